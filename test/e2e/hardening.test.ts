import assert from 'node:assert/strict'
import {spawnSync} from 'node:child_process'
import {
  existsSync, readdirSync, readFileSync, readlinkSync, rmSync, writeFileSync,
} from 'node:fs'
import net from 'node:net'
import path from 'node:path'
import {
  describe, test,
} from 'node:test'

import {
  oneLine, type Sandbox, sleep, waitFor,
} from '../helpers/cli.js'
import {queryFile, writeFile as writeDatabase} from '../helpers/db.js'
import {usePrivateDisplay} from '../helpers/display-suite.js'
import {fsMount, fsUnmount} from '../helpers/tmpfs.js'
import {
  e2eSkipReason, xdotool,
} from '../helpers/xvfb.js'

const skip = e2eSkipReason()
const isRoot = process.getuid?.() === 0
if (process.env.CI && !isRoot) throw new Error('CI runs as root: the disk-full and other-user tests need it')

describe('hardening: crashes, full disks, floods and other users', {skip}, () => {
  const x = usePrivateDisplay()
  const {sandbox} = x

  async function status(s: Sandbox): Promise<Record<string, unknown>> {
    const result = await s.run(['status', '--json'])
    assert.equal(result.code, 0, result.stderr)
    return JSON.parse(result.stdout) as Record<string, unknown>
  }

  async function startedPid(s: Sandbox, ...args: string[]): Promise<number> {
    const result = await s.run(['start', '--json', ...args])
    assert.equal(result.code, 0, result.stderr)
    return (JSON.parse(result.stdout) as {pid: number}).pid
  }

  test('20 cycles of kill -9 during capture: the database always opens and nothing flushed is lost', async () => {
    const s = sandbox()
    await s.run(['config', 'set', 'flush_ms', '200'])
    for (let cycle = 0; cycle < 20; cycle++) {
      const pid = await startedPid(s)
      xdotool(x.display, 'type', '--delay', '2', 'ab')
      // Wait for the flush, then kill without warning in the middle of further typing.
      await waitFor(async () => (await status(s)).events === 4, `cycle ${cycle}: four events flushed`)
      process.kill(pid, 'SIGKILL')
      // Liveness is judged by the socket, not the pid (the corpse may linger as a zombie).
      await waitFor(async () => (await status(s)).running === false, `cycle ${cycle}: daemon gone`)
    }

    const file = path.join(s.home, 'devtrace.duckdb')
    const rows = await queryFile(file, 'SELECT count(*)::INTEGER AS n, count(DISTINCT session_id)::INTEGER AS sessions FROM events')
    assert.deepEqual(rows, [{n: 80, sessions: 20}])
    await startedPid(s)
    assert.equal((await s.run(['stop'])).code, 0)
    const sessions = await queryFile(file, 'SELECT count(*)::INTEGER AS n, count(ended_at)::INTEGER AS ended FROM sessions')
    assert.deepEqual(sessions, [{n: 21, ended: 21}])
  })

  test('a write-ahead log that cannot be replayed is moved aside and reported, not a crash loop', async () => {
    const s = sandbox()
    const pid = await startedPid(s)
    xdotool(x.display, 'type', '--delay', '2', 'the quick brown fox jumps over the lazy dog')
    await waitFor(async () => (await status(s)).events === 86, '86 events flushed')
    process.kill(pid, 'SIGKILL')
    await waitFor(async () => (await status(s)).running === false, 'daemon gone')
    const wal = path.join(s.home, 'devtrace.duckdb.wal')
    assert.ok(existsSync(wal), 'a killed daemon leaves its WAL behind')
    // Damage an entry in the middle: DuckDB's checksums catch it and replay fails.
    const bytes = readFileSync(wal)
    const middle = Math.floor(bytes.length / 2)
    for (let index = middle; index < middle + 64; index++) bytes[index] ^= 0xFF
    writeFileSync(wal, bytes)
    await startedPid(s)
    const live = await status(s)
    assert.match(String(live.wal_moved_to), /devtrace\.duckdb\.wal\.corrupt-\d+$/)
    assert.ok(existsSync(String(live.wal_moved_to)))
    const text = (await s.run(['status'])).stdout
    assert.match(text, /an unreadable WAL was moved to/)
    assert.match(readFileSync(path.join(s.home, 'logs', 'daemon.log'), 'utf8'), /write-ahead log could not be replayed; moved aside/)
    xdotool(x.display, 'type', '--delay', '2', 'de')
    assert.equal((await s.run(['stop'])).code, 0)
  })

  test('a full disk: a clear error in status, events kept in memory, all written once space returns', {skip: !isRoot && 'needs root to mount a tmpfs'}, async () => {
    const mount = fsMount(1024 * 1024 * 2)
    try {
      const s = sandbox(path.join(mount, 'home'))
      await s.run(['config', 'set', 'flush_ms', '200'])
      await startedPid(s, '--mouse-hz', '0')
      xdotool(x.display, 'type', '--delay', '2', 'ab')
      await waitFor(async () => (await status(s)).events === 4, 'four events before the disk fills')
      const filler = path.join(mount, 'filler')
      spawnSync('dd', ['if=/dev/zero', `of=${filler}`, 'bs=64k', 'count=1000'], {stdio: 'ignore'})
      // Enough input that the WAL needs new pages on the now-full tmpfs.
      const text = 'abcdefghijklmnopqrstuvwxyz'.repeat(8)
      xdotool(x.display, 'type', '--delay', '1', text)
      const failing = await waitFor(async () => {
        const current = await status(s)
        return current.last_write_error ? current : undefined
      }, 'a write error in status')
      assert.match(String(failing.last_write_error), /No space left on device/)
      assert.equal(failing.dropped, 0)
      rmSync(filler)
      await waitFor(async () => (await status(s)).events === 4 + 2 * 208, 'every event once space returns', 10_000)
      assert.equal((await status(s)).last_write_error, null)
      assert.equal((await s.run(['stop'])).code, 0)
      assert.match(readFileSync(path.join(s.home, 'logs', 'daemon.log'), 'utf8'), /writing works again; \d+ flushes had failed, nothing was lost/)
    } finally {
      fsUnmount(mount)
    }
  })

  test('a read-only state folder: start explains it and starts nothing; reads still work; writable again, it starts', {skip: !isRoot && 'needs root to remount'}, async () => {
    const mount = fsMount(1024 * 1024 * 8)
    try {
      const s = sandbox(path.join(mount, 'home'))
      await startedPid(s)
      xdotool(x.display, 'type', '--delay', '2', 'ab')
      assert.equal((await s.run(['stop'])).code, 0)
      // The stopped daemon's process may take a moment to exit and release its log file
      // (its stderr); until then the kernel refuses a read-only remount as busy.
      await waitFor(() => spawnSync('mount', ['-o', 'remount,ro', mount]).status === 0, 'a read-only remount', 10_000)
      const refused = await s.run(['start'])
      assert.equal(refused.code, 1)
      assert.match(oneLine(refused.stderr), new RegExp(`devtrace cannot write to its folder ${s.home.replaceAll('/', String.raw`\/`)}: it is on a read-only file system\\.`))
      assert.equal((await status(s)).running, false)
      const query = await s.run(['query', 'SELECT count(*) AS n FROM events', '--json'])
      assert.equal(query.code, 0, query.stderr)
      assert.deepEqual(JSON.parse(query.stdout), [{n: 4}])
      assert.equal(spawnSync('mount', ['-o', 'remount,rw', mount]).status, 0)
      await startedPid(s)
      assert.equal((await s.run(['stop'])).code, 0)
    } finally {
      fsUnmount(mount)
    }
  })

  test('a --follow client that never reads: daemon memory stays bounded, drops are counted, capture goes on', async () => {
    const s = sandbox()
    const pid = await startedPid(s, '--mouse-hz', '0')
    const baseline = rssKiB(pid)
    // Subscribe and then never read a byte.
    const socket = net.createConnection(path.join(s.home, 'daemon.sock'))
    await new Promise<void>(resolve => {
      socket.once('connect', () => resolve())
    })
    socket.write(JSON.stringify({id: 1, method: 'follow', params: {}}) + '\n')
    socket.pause()
    await sleep(300)
    // 30,000 pointer moves in a few xdotool invocations (one process per 1,000 moves).
    for (let batch = 0; batch < 30; batch++) {
      const args: string[] = []
      for (let index = 0; index < 1000; index++) args.push('mousemove', String((index * 7) % 1200), String((batch * 13 + index) % 1000))
      xdotool(x.display, ...args)
    }

    const settled = await waitFor(async () => {
      const current = await status(s)
      return (current.events as number) >= 30_000 ? current : undefined
    }, 'all moves written', 30_000)
    assert.equal(settled.events, 30_000)
    assert.equal(settled.dropped, 0)
    assert.ok((settled.follow_dropped as number) > 0, `follow_dropped ${settled.follow_dropped}`)
    const grown = rssKiB(pid) - baseline
    assert.ok(grown < 64 * 1024, `daemon RSS grew by ${grown} KiB`)
    socket.destroy()
    assert.equal((await s.run(['stop'])).code, 0)
  })

  test('retention: the daemon forgets data older than retention_days for good and records it in the ledger', async () => {
    const s = sandbox()
    await startedPid(s)
    assert.equal((await s.run(['stop'])).code, 0)
    const file = path.join(s.home, 'devtrace.duckdb')
    const day = 86_400_000_000
    const now = Date.now() * 1000
    // 30 events 100 days old carrying a sentinel, 20 events 10 days old.
    await writeDatabase(file, `
      INSERT INTO events_live (ts, session_id, kind, key_class, app)
      SELECT make_timestamp(${now - 100 * day} + i * 1000000), 1, 'key_down', 'letter', 'RETENTION-SENTINEL-7f3a' FROM range(30) t(i);
      INSERT INTO events_live (ts, session_id, kind, key_class, app)
      SELECT make_timestamp(${now - 10 * day} + i * 1000000), 1, 'key_down', 'letter', 'recent' FROM range(20) t(i);`)
    const before = readFileSync(file)
    assert.ok(before.includes('RETENTION-SENTINEL-7f3a'), 'the sentinel is in the file to begin with')
    assert.equal((await s.run(['config', 'set', 'retention_days', '90'])).code, 0)
    await startedPid(s)
    await waitFor(async () => {
      const result = await s.run(['query', 'SELECT count(*) AS n FROM events WHERE app = \'RETENTION-SENTINEL-7f3a\'', '--json'])
      return result.code === 0 && (JSON.parse(result.stdout) as Array<{n: number}>)[0].n === 0
    }, 'old events removed by retention', 20_000)
    const kept = await s.run(['query', 'SELECT count(*) AS n FROM events WHERE app = \'recent\'', '--json'])
    assert.deepEqual(JSON.parse(kept.stdout), [{n: 20}])
    const audit = JSON.parse((await s.run(['audit', '--json'])).stdout) as Array<{action: string; outcome: string; rows: number}>
    const retention = audit.filter(row => row.action === 'retention')
    assert.equal(retention.length, 1)
    assert.equal(retention[0].outcome, 'ok')
    assert.equal(retention[0].rows, 30)
    assert.equal((await s.run(['stop'])).code, 0)
    for (const name of ['devtrace.duckdb', 'devtrace.duckdb.wal']) {
      const target = path.join(s.home, name)
      if (existsSync(target)) assert.equal(readFileSync(target).includes('RETENTION-SENTINEL-7f3a'), false, `sentinel left in ${name}`)
    }
  })

  test('the daemon listens on no TCP port', async () => {
    const s = sandbox()
    const pid = await startedPid(s)
    const inodes = new Set(readdirSync(`/proc/${pid}/fd`)
    .map(fd => {
      try {
        return /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`))?.[1]
      } catch {
        return undefined
      }
    })
    .filter(Boolean))
    assert.ok(inodes.size > 0, 'the daemon has sockets (its Unix socket at least)')
    for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
      const listening = readFileSync(table, 'utf8')
      .split('\n')
      .slice(1)
      .map(line => line.trim().split(/\s+/))
      .filter(fields => fields[3] === '0A')
      .map(fields => fields[9])
      for (const inode of listening) assert.equal(inodes.has(inode), false, `daemon listens on TCP (inode ${inode} in ${table})`)
    }

    const unix = readFileSync('/proc/net/unix', 'utf8')
    assert.match(unix, new RegExp(path.join(s.home, 'daemon.sock').replaceAll(/[.*+?^${}()|[\]\\/]/g, String.raw`\$&`)))
    assert.equal((await s.run(['stop'])).code, 0)
  })

  test('another user cannot connect to the daemon socket', {skip: !isRoot && 'needs root to act as another user'}, async () => {
    const s = sandbox()
    await startedPid(s)
    const socketPath = path.join(s.home, 'daemon.sock')
    const script = `const s = require('net').createConnection(${JSON.stringify(socketPath)}); s.on('connect', () => { console.log('connected'); process.exit(0) }); s.on('error', (e) => { console.log(e.code); process.exit(0) })`
    const result = spawnSync('setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', process.execPath, '-e', script], {encoding: 'utf8'})
    assert.equal(result.status, 0, result.stderr)
    assert.equal(result.stdout.trim(), 'EACCES')
    assert.equal((await s.run(['stop'])).code, 0)
  })

  function rssKiB(pid: number): number {
    return Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1])
  }
})
