import assert from 'node:assert/strict'
import {type ChildProcess, spawn} from 'node:child_process'
import {once} from 'node:events'
import {
  existsSync, lstatSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, statSync, symlinkSync,
} from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import {describe, test} from 'node:test'

import {
  BIN, type Sandbox, waitFor,
} from '../helpers/cli.js'
import {queryFile, writeFile as writeDatabase} from '../helpers/db.js'
import {usePrivateDisplay} from '../helpers/display-suite.js'
import {fsMount, fsUnmount} from '../helpers/tmpfs.js'
import {e2eSkipReason, xdotool} from '../helpers/xvfb.js'

const skip = e2eSkipReason()
const isRoot = process.getuid?.() === 0
if (process.env.CI && !isRoot) throw new Error('CI runs as root: the disk-full test needs it')

const HOUR = 3600e6

/** Every file and folder under `dir` whose mode lets anyone but the owner in. */
function readableByOthers(dir: string): string[] {
  const open: string[] = []
  for (const name of readdirSync(dir, {recursive: true}) as string[]) {
    const file = path.join(dir, name)
    const stat = lstatSync(file)
    if (stat.isSymbolicLink() || stat.isSocket()) continue
    if ((stat.mode & 0o077) !== 0) open.push(`${name} ${(stat.mode & 0o777).toString(8)}`)
  }

  return open
}

/** `ts` `hours` ago, in DuckDB's microseconds. */
const hoursAgo = (hours: number): number => Date.now() * 1000 - hours * HOUR
const iso = (micros: number): string => new Date(micros / 1000).toISOString()

/** Plant `n` events `hours` ago, with `app` as a sentinel to look for in the file's bytes. */
function eventsSql(n: number, hours: number, app: string): string {
  return `INSERT INTO events_live (ts, session_id, kind, key_class, x, y, app)
    SELECT make_timestamp(${Math.round(hoursAgo(hours))} + i * 1000), 1, 'mouse_move', NULL, (i % 2000)::INTEGER, (i % 1000)::INTEGER, '${app}'
    FROM range(${n}) t(i);`
}

/** Start the built CLI without waiting for it, for tests that interrupt it. */
function startCli(s: Sandbox, args: string[]): {child: ChildProcess; exited: Promise<unknown[]>} {
  const child = spawn(process.execPath, [BIN, ...args], {env: s.env, stdio: ['ignore', 'pipe', 'pipe']})
  child.stdout!.resume() // read and drop: a full pipe would block it
  child.stderr!.resume()
  return {child, exited: once(child, 'exit')}
}

describe('nothing left behind, nothing readable by others', {skip}, () => {
  const x = usePrivateDisplay()
  const {sandbox} = x

  const database = (s: Sandbox): string => path.join(s.home, 'devtrace.duckdb')

  /** A database with the schema, made by the daemon itself, then stopped. */
  async function createdDatabase(s: Sandbox): Promise<string> {
    assert.equal((await s.run(['start'])).code, 0)
    assert.equal((await s.run(['stop'])).code, 0)
    return database(s)
  }

  async function running(s: Sandbox): Promise<boolean> {
    const result = await s.run(['status', '--json'])
    return (JSON.parse(result.stdout) as {running: boolean}).running
  }

  test('every file devtrace creates is readable by its owner only: database, WAL, rewrite, log, config, export, report', async () => {
    const s = sandbox()
    assert.equal((await s.run(['config', 'set', 'flush_ms', '200'])).code, 0)
    const started = await s.run(['start', '--json'])
    assert.equal(started.code, 0, started.stderr)
    const {pid} = JSON.parse(started.stdout) as {pid: number}
    xdotool(x.display, 'type', '--delay', '2', 'ab')
    await waitFor(async () => {
      const result = await s.run(['status', '--json'])
      return (JSON.parse(result.stdout) as {events_total: number}).events_total === 4
    }, 'four events flushed')
    // A killed daemon leaves its WAL: the one file DuckDB creates on its own.
    process.kill(pid, 'SIGKILL')
    await waitFor(async () => !(await running(s)), 'the daemon gone')
    assert.ok(existsSync(`${database(s)}.wal`), 'the WAL is there to check')
    assert.deepEqual(readableByOthers(s.home), [])

    // A rewrite (forget) with the daemon running, then an export and a report.
    assert.equal((await s.run(['start'])).code, 0)
    const forget = await s.run(['forget', '--since', '2d', '--until', '1d', '--yes'])
    assert.equal(forget.code, 0, forget.stderr)
    const out = mkdtempSync(path.join(os.tmpdir(), 'devtrace-test-out-'))
    try {
      assert.equal((await s.run(['export', '--out', path.join(out, 'events.csv')])).code, 0)
      assert.equal((await s.run(['report', '--out', path.join(out, 'report.html')])).code, 0)
      assert.deepEqual(readableByOthers(s.home), [])
      assert.deepEqual(readableByOthers(out), [])
      assert.deepEqual(readdirSync(out).sort(), ['events.csv', 'report.html'])
    } finally {
      rmSync(out, {force: true, recursive: true})
    }

    assert.equal((await s.run(['stop'])).code, 0)
    assert.deepEqual(readableByOthers(s.home), [])
  })

  test('a rewrite killed half-way leaves .rewrite and .rewrite.wal only until the daemon next starts', async () => {
    const s = sandbox()
    const file = await createdDatabase(s)
    // Enough rows that the rewrite takes a while to copy.
    await writeDatabase(file, `${eventsSql(3_000_000, 30, 'kept')} ${eventsSql(100, 5, 'SENTINEL-killed-rewrite')}`)
    const forget = startCli(s, ['forget', '--since', iso(hoursAgo(6)), '--until', iso(hoursAgo(4)), '--yes'])
    const rewrite = `${file}.rewrite`
    await waitFor(() => existsSync(rewrite) && statSync(rewrite).size > 0, 'the rewrite to begin', 60_000)
    forget.child.kill('SIGKILL')
    await forget.exited
    assert.ok(existsSync(rewrite), 'the killed rewrite left its file')

    assert.equal((await s.run(['start'])).code, 0)
    assert.equal(existsSync(rewrite), false, '.rewrite removed at start')
    assert.equal(existsSync(`${rewrite}.wal`), false, '.rewrite.wal removed at start')
    assert.match(readFileSync(path.join(s.home, 'logs', 'daemon.log'), 'utf8'), /removed \S+devtrace\.duckdb\.rewrite, left by an interrupted rewrite/)
    assert.equal((await s.run(['stop'])).code, 0)
    // The original was never touched by the killed rewrite.
    assert.deepEqual(await queryFile(file, 'SELECT count(*)::INTEGER AS n FROM events WHERE app = \'SENTINEL-killed-rewrite\''), [{n: 100}])
  })

  test('an export that fails on a full disk leaves nothing beside the destination', {skip: !isRoot && 'needs root to mount a tmpfs'}, async () => {
    const s = sandbox()
    const file = await createdDatabase(s)
    await writeDatabase(file, eventsSql(200_000, 3, 'SENTINEL-full-disk'))
    const mount = fsMount(1024 * 1024)
    try {
      for (const daemon of [false, true]) {
        if (daemon) assert.equal((await s.run(['start'])).code, 0)
        const result = await s.run(['export', '--out', path.join(mount, 'events.csv')])
        assert.equal(result.code, 1, `daemon ${daemon}: ${result.stdout}`)
        assert.match(result.stderr, /Could not write/)
        assert.deepEqual(readdirSync(mount), [], `daemon ${daemon}`)
      }

      assert.equal((await s.run(['stop'])).code, 0)
    } finally {
      fsUnmount(mount)
    }
  })

  test('an export whose daemon was killed half-way leaves its partial file only until the daemon next starts', async () => {
    const s = sandbox()
    const file = await createdDatabase(s)
    await writeDatabase(file, eventsSql(3_000_000, 3, 'SENTINEL-killed-export'))
    const started = await s.run(['start', '--json'])
    assert.equal(started.code, 0, started.stderr)
    const {pid} = JSON.parse(started.stdout) as {pid: number}
    const out = mkdtempSync(path.join(os.tmpdir(), 'devtrace-test-out-'))
    try {
      const exporting = startCli(s, ['export', '--out', path.join(out, 'events.csv')])
      const partial = path.join(out, '.events.csv.devtrace-partial')
      await waitFor(() => existsSync(partial) && statSync(partial).size > 0, 'the export to be writing', 60_000)
      process.kill(pid, 'SIGKILL')
      await exporting.exited
      await waitFor(async () => !(await running(s)), 'the daemon gone')
      assert.ok(existsSync(partial), 'the killed export left its partial file')

      assert.equal((await s.run(['start'])).code, 0)
      assert.deepEqual(readdirSync(out), [], 'nothing left beside the destination')
      assert.match(readFileSync(path.join(s.home, 'logs', 'daemon.log'), 'utf8'), /removed \S+\.events\.csv\.devtrace-partial, left by an export that never finished/)
      assert.equal((await s.run(['stop'])).code, 0)
    } finally {
      rmSync(out, {force: true, recursive: true})
    }
  })

  /** The temp folder holding the FIFO that process `pid` reads a query's output from (found by its open files). */
  const pipeFolderOf = (pid: number): string | undefined => {
    for (const fd of readdirSync(`/proc/${pid}/fd`)) {
      let target = ''
      try {
        target = readlinkSync(`/proc/${pid}/fd/${fd}`)
      } catch {
        continue // closed meanwhile
      }

      const folder = path.dirname(target)
      if (path.basename(target) === 'out' && path.dirname(folder) === os.tmpdir() && path.basename(folder).startsWith('devtrace-')) return folder
    }

    return undefined
  }

  for (const signal of ['SIGINT', 'SIGTERM', 'SIGKILL'] as const) {
    test(`query --csv/--json stopped by ${signal} leaves no /tmp/devtrace-* folder (a killed one is swept by the next query)`, async () => {
      const s = sandbox()
      await createdDatabase(s)
      for (const daemon of [false, true]) {
        if (daemon) assert.equal((await s.run(['start'])).code, 0)
        // Long enough to be interrupted while DuckDB writes into the pipe.
        const query = startCli(s, ['query', 'SELECT * FROM range(1000000000)', daemon ? '--json' : '--csv'])
        const folder = await waitFor(() => pipeFolderOf(query.child.pid!), 'the pipe folder', 30_000)
        assert.ok(existsSync(folder))
        query.child.kill(signal)
        const [code, endedBy] = await query.exited
        if (signal === 'SIGKILL') {
          assert.ok(existsSync(folder), 'SIGKILL leaves no chance to clean up')
          const next = await s.run(['query', 'SELECT 42 AS n', '--json'])
          assert.deepEqual(JSON.parse(next.stdout), [{n: 42}])
        } else {
          assert.equal(endedBy, signal, `ended by the signal (exit code ${code})`)
        }

        assert.equal(existsSync(folder), false, `${folder} removed (daemon ${daemon ? 'running' : 'stopped'})`)
      }

      assert.equal((await s.run(['stop'])).code, 0)
    })
  }

  test('forget and redact on a database that is a symlink act on its target and keep the link', async () => {
    const s = sandbox()
    const elsewhere = mkdtempSync(path.join(os.tmpdir(), 'devtrace-test-disk-'))
    try {
      const real = path.join(elsewhere, 'data.duckdb')
      const link = database(s)
      symlinkSync(real, link)
      await createdDatabase(s)
      assert.ok(lstatSync(link).isSymbolicLink() && existsSync(real), 'the daemon created the database through the link')
      await writeDatabase(link, `${eventsSql(50, 30, 'SENTINEL-app-name')} ${eventsSql(40, 20, 'SENTINEL-daemon-stopped')} ${eventsSql(30, 10, 'SENTINEL-daemon-running')}`)
      assert.ok(readFileSync(real).includes('SENTINEL-daemon-stopped'))

      const forgetRange = async (since: number, until: number, n: number, sentinel: string): Promise<void> => {
        const result = await s.run(['forget', '--since', iso(hoursAgo(since)), '--until', iso(hoursAgo(until)), '--yes', '--json'])
        assert.equal(result.code, 0, result.stderr)
        assert.equal((JSON.parse(result.stdout) as {forgotten: {events: number}}).forgotten.events, n)
        assert.ok(lstatSync(link).isSymbolicLink(), 'the link is still a link')
        assert.equal(readFileSync(real).includes(sentinel), false, `${sentinel} gone from the target file`)
        assert.equal(readdirSync(s.home).includes('devtrace.duckdb.rewrite'), false)
        assert.equal(readdirSync(elsewhere).includes('data.duckdb.rewrite'), false)
      }

      await forgetRange(21, 19, 40, 'SENTINEL-daemon-stopped')
      assert.equal((await s.run(['start'])).code, 0)
      await forgetRange(11, 9, 30, 'SENTINEL-daemon-running')
      const redact = await s.run(['redact', '--profile', 'coarse', '--yes'])
      assert.equal(redact.code, 0, redact.stderr)
      assert.ok(lstatSync(link).isSymbolicLink(), 'the link survives redact too')
      assert.equal((await s.run(['stop'])).code, 0)
      assert.deepEqual(await queryFile(real, 'SELECT starts_with(app, \'#\') AS hashed, count(*)::INTEGER AS n FROM events GROUP BY ALL'), [{hashed: true, n: 50}])
      assert.equal(readFileSync(real).includes('SENTINEL-app-name'), false, 'the redacted app names are gone from the target file')
    } finally {
      rmSync(elsewhere, {force: true, recursive: true})
    }
  })
})
