import type {AddressInfo} from 'node:net'

import {DuckDBInstance} from '@duckdb/node-api'
import assert from 'node:assert/strict'
import {spawnSync} from 'node:child_process'
import {
  existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statfsSync, writeFileSync,
} from 'node:fs'
import http from 'node:http'
import os from 'node:os'
import path from 'node:path'
import {describe, test} from 'node:test'

import {
  BIN, type CliResult, oneLine, type Sandbox, waitFor,
} from '../helpers/cli.js'
import {queryFile} from '../helpers/db.js'
import {usePrivateDisplay} from '../helpers/display-suite.js'
import {fsMount, fsUnmount} from '../helpers/tmpfs.js'
import {e2eSkipReason, xdotool} from '../helpers/xvfb.js'

const skip = e2eSkipReason()
const isRoot = process.getuid?.() === 0
if (process.env.CI && !isRoot) throw new Error('CI runs as root: the tmpfs and network-namespace cases need it')
const needsRoot = !isRoot && 'needs root (tmpfs mounts, a network namespace)'

/** Raw error text that must never reach the user: errno codes, DuckDB's error classes, Node's "Unexpected error". */
const RAW = /ENOSPC|EEXIST|ENOTDIR|EROFS|EACCES|EAI_AGAIN|ENOTFOUND|Catalog Error|Binder Error|IO Error|TransactionContext|No space left|Unexpected error|\n\s+at /

/** What a failed command may leave in DEVTRACE_HOME: the log folder, and whatever was there before. */
function leftovers(home: string, before: string[] = []): string[] {
  if (!existsSync(home)) return []
  return readdirSync(home).filter(name => name !== 'logs' && !before.includes(name)).sort()
}

/** One sentence, the right exit code, no raw error text, no stack trace. */
function assertClear(result: CliResult, exit: number, sentence: RegExp): void {
  assert.equal(result.code, exit, `exit ${result.code}: ${result.stderr}`)
  assert.match(oneLine(result.stderr), sentence)
  assert.doesNotMatch(result.stderr, RAW)
  assert.equal(result.stdout, '')
}

/** Fill a tmpfs until `freeBytes` are left (0: completely). */
function fill(mount: string, freeBytes: number): void {
  const filler = path.join(mount, 'filler')
  rmSync(filler, {force: true})
  const {bavail, bsize} = statfsSync(mount)
  const size = Math.max(0, bavail * bsize - freeBytes)
  spawnSync('dd', ['if=/dev/zero', `of=${filler}`, 'bs=1024', `count=${Math.ceil(size / 1024)}`], {stdio: 'ignore'})
}

/** Run the built CLI in a fresh network namespace: no route anywhere, so DNS fails here and no packet leaves. */
function runOffline(s: Sandbox, args: string[]): CliResult {
  const result = spawnSync('unshare', ['--net', process.execPath, BIN, ...args], {encoding: 'utf8', env: s.env})
  assert.equal(result.error, undefined, `unshare: ${result.error?.message}`)
  return {
    code: result.status, signal: result.signal, stdout: result.stdout, stderr: result.stderr,
  }
}

/** The xprop processes whose parent is `pid`. */
function xpropChildren(pid: number): number[] {
  const children: number[] = []
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8')
      // pid (comm) state ppid …; comm may itself hold spaces and parentheses.
      const [, comm, ppid] = /^\d+ \((.*)\) \S+ (\d+) /.exec(stat)!
      if (comm === 'xprop' && Number(ppid) === pid) children.push(Number(entry))
    } catch {
      // Exited while we looked.
    }
  }

  return children
}

/** Gone, or a zombie waiting to be reaped. */
function exited(pid: number): boolean {
  try {
    return /^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'))
  } catch {
    return true
  }
}

describe('clear words: one sentence for each broken setup, and nothing left behind', {skip}, () => {
  const x = usePrivateDisplay()

  /** A sandbox with a few captured events, daemon stopped. */
  async function withEvents(): Promise<Sandbox> {
    const s = x.sandbox()
    const started = await s.run(['start', '--mouse-hz', '0'])
    assert.equal(started.code, 0, started.stderr)
    xdotool(x.display, 'type', '--delay', '5', 'ab')
    assert.equal((await s.run(['stop'])).code, 0)
    return s
  }

  /** A 1 MiB tmpfs with an empty DEVTRACE_HOME folder on it, unmounted afterwards. */
  async function onTmpfs(work: (s: Sandbox, mount: string) => Promise<void>, mode = 0o700): Promise<void> {
    const mount = fsMount(1024 * 1024)
    try {
      const home = path.join(mount, 'home')
      mkdirSync(home, {mode})
      await work(x.sandbox(home), mount)
    } finally {
      fsUnmount(mount)
    }
  }

  test('start on a full disk: "the disk is full", and no pid file, socket or database file left, wherever it ran out', {skip: needsRoot}, () => onTmpfs(async (s, mount) => {
    fill(mount, 0)
    assertClear(await s.run(['start']), 1, /the disk is full\. Try this: .*free some space/)
    assert.deepEqual(leftovers(s.home), [])
    assert.equal((await s.run(['status', '--json'])).stdout.includes('"running": false'), true)

    // A little free space: start runs out somewhere later (the database, its WAL, the pid file).
    // Either it starts, or it fails with the same sentence and takes everything back.
    const outcomes: string[] = []
    for (const kib of [4, 8, 12, 16, 20, 24, 32]) {
      for (const name of readdirSync(s.home)) rmSync(path.join(s.home, name), {force: true, recursive: true})
      fill(mount, kib * 1024)
      const result = await s.run(['start'])
      if (result.code === 0) {
        outcomes.push(`${kib} KiB: started`)
        assert.equal((await s.run(['stop'])).code, 0)
        continue
      }

      outcomes.push(`${kib} KiB: refused`)
      assertClear(result, 1, /the disk is full\./)
      assert.deepEqual(leftovers(s.home), [], `${kib} KiB free`)
    }

    assert.ok(outcomes.some(outcome => outcome.endsWith('refused')), outcomes.join(', '))
  }))

  test('config set on a full disk: one sentence, no temporary file left, the old settings kept', {skip: needsRoot}, () => onTmpfs(async (s, mount) => {
    assert.equal((await s.run(['config', 'set', 'level', 'minimal'])).code, 0)
    const before = readFileSync(path.join(s.home, 'config.json'), 'utf8')
    fill(mount, 0)
    assertClear(await s.run(['config', 'set', 'exclude_apps', 'a'.repeat(8000)]), 1, /devtrace cannot write to its folder .*home: the disk is full\./)
    assert.deepEqual(readdirSync(s.home), ['config.json'])
    assert.equal(readFileSync(path.join(s.home, 'config.json'), 'utf8'), before)
  }))

  test('config set and start on a read-only home: "read-only file system", nothing written', {skip: needsRoot}, () => onTmpfs(async (s, mount) => {
    assert.equal(spawnSync('mount', ['-o', 'remount,ro', mount]).status, 0)
    assertClear(await s.run(['config', 'set', 'level', 'minimal']), 1, /devtrace cannot write to its folder .*home: it is on a read-only file system\./)
    assertClear(await s.run(['start']), 1, /devtrace cannot write to its folder .*home: it is on a read-only file system\./)
    assert.deepEqual(readdirSync(s.home), [])
  }, 0o755))

  test('DEVTRACE_HOME pointing at a file: start and config set say so, and the file is untouched', async () => {
    const file = path.join(os.tmpdir(), `devtrace-home-file-${process.pid}`)
    writeFileSync(file, 'not a folder\n')
    try {
      const s = x.sandbox(file)
      const sentence = new RegExp(`DEVTRACE_HOME ${file.replaceAll('/', String.raw`\/`)} is a file, but devtrace needs a folder there\\. Try this: Point DEVTRACE_HOME at a folder`)
      assertClear(await s.run(['start']), 1, sentence)
      assertClear(await s.run(['config', 'set', 'level', 'minimal']), 1, sentence)
      assertClear(await s.run(['demo', '--days', '1']), 1, sentence)
      const json = await s.run(['start', '--json'])
      assert.equal(json.code, 1)
      assert.match((JSON.parse(json.stdout) as {error: {message: string}}).error.message, /is a file, but devtrace needs a folder there\./)
      assert.equal(readFileSync(file, 'utf8'), 'not a folder\n')
    } finally {
      rmSync(file, {force: true})
    }
  })

  test('a 50 MB config.json: refused unread, naming its size and the bound; nothing started or created', async () => {
    const s = x.sandbox()
    const config = path.join(s.home, 'config.json')
    writeFileSync(config, `{"exclude_apps": [${Array.from({length: 5_000_000}, () => '"abcdefg"').join(',')}]}`)
    const sentence = /config\.json is 47\.7 MiB, more than the 1\.0 MiB a settings file may be, so devtrace did not read it\. Try this: Delete it/
    assertClear(await s.run(['start']), 1, sentence)
    assert.deepEqual(leftovers(s.home, ['config.json']), [])
    assert.equal(existsSync(path.join(s.home, 'logs')), false, 'not even the log folder: nothing was started')
    assertClear(await s.run(['config', 'get', 'level']), 1, sentence)
    assertClear(await s.run(['config', 'set', 'level', 'minimal']), 1, sentence)
  })

  test('a DuckDB file with some other "events" table: "not a devtrace database", and the file is left exactly as it was', async () => {
    const s = x.sandbox()
    const file = path.join(s.home, 'devtrace.duckdb')
    const instance = await DuckDBInstance.create(file)
    const connection = await instance.connect()
    await connection.run('CREATE TABLE events (id INTEGER, payload VARCHAR); INSERT INTO events VALUES (1, \'theirs\'); CHECKPOINT')
    connection.closeSync()
    instance.closeSync()

    const sentence = /devtrace\.duckdb is not a devtrace database: it has a table named "events" but no devtrace schema version\. Try this: Move the file aside/
    assertClear(await s.run(['start']), 1, sentence)
    assert.deepEqual(leftovers(s.home), ['devtrace.duckdb'])
    assertClear(await s.run(['inspect']), 1, sentence)
    assertClear(await s.run(['summarize']), 1, sentence)
    assert.deepEqual(await queryFile(file, 'SELECT table_name FROM duckdb_tables() ORDER BY 1'), [{table_name: 'events'}])
    assert.deepEqual(await queryFile(file, 'SELECT * FROM events'), [{id: 1, payload: 'theirs'}])
  })

  test('upload when the host name does not resolve: one attempt, no advice to retry, in the ledger as failed', {skip: needsRoot}, async () => {
    const s = await withEvents()
    const result = runOffline(s, ['upload', '--to', 'https://devtrace-test.invalid/in', '--yes'])
    assert.equal(result.code, 1, result.stderr)
    const text = oneLine(result.stderr)
    assert.match(text, /The upload to https:\/\/devtrace-test\.invalid\/in failed after 1 attempt: the host name could not be resolved\. Try this: Check the host name in the URL/)
    assert.doesNotMatch(text, /retr(y|ies|ying)/i)
    assert.doesNotMatch(result.stderr, RAW)
    const audit = JSON.parse((await s.run(['audit', '--json'])).stdout) as Array<{action: string; detail: string; outcome: string}>
    assert.deepEqual(audit.map(row => [row.action, row.outcome]), [['upload', 'failed']])
    assert.match(audit[0].detail, /; 1 attempt \(/)
  })

  test('http://localhost.:PORT/ is refused before any lookup or connection; http://localhost:PORT/ goes through', async () => {
    const s = await withEvents()
    let connections = 0
    const server = http.createServer((request, response) => {
      request.resume()
      request.on('end', () => response.writeHead(201).end())
    })
    server.on('connection', () => connections++)
    await new Promise<void>(resolve => {
      server.listen(0, '127.0.0.1', resolve)
    })
    try {
      const {port} = server.address() as AddressInfo
      const refused = await s.run(['upload', '--to', `http://localhost.:${port}/in`, '--yes'])
      assertClear(refused, 2, new RegExp(`Refusing to upload over plain http:// to localhost\\.: only loopback addresses .* Nothing was sent\\. Try this: Write it without the final dot: http://localhost:${port}/in`))
      assert.equal(connections, 0)
      const sent = await s.run(['upload', '--to', `http://localhost:${port}/in`, '--yes'])
      assert.equal(sent.code, 0, sent.stderr)
      assert.equal(connections, 1)
    } finally {
      server.closeAllConnections()
      await new Promise(resolve => {
        server.close(resolve)
      })
    }
  })

  test('after kill -9 of the daemon, its xprop -spy child does not linger', {skip: process.platform !== 'linux' && 'reads /proc'}, async () => {
    const s = x.sandbox()
    const started = await s.run(['start', '--json'])
    assert.equal(started.code, 0, started.stderr)
    const {pid} = JSON.parse(started.stdout) as {pid: number}
    const children = await waitFor(() => {
      const found = xpropChildren(pid)
      return found.length > 0 ? found : undefined
    }, 'the daemon\'s xprop -root -spy')
    process.kill(pid, 'SIGKILL')
    // Nothing happens on this display (no focus change) that would make a lingering xprop write and die of SIGPIPE.
    await waitFor(() => children.every(child => exited(child)), `xprop ${children.join(', ')} to exit after its daemon`, 30_000)
    await waitFor(async () => (await s.run(['status', '--json'])).stdout.includes('"running": false'), 'the daemon gone')
  })
})
