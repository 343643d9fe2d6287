import assert from 'node:assert/strict'
import {spawnSync} from 'node:child_process'
import {mkdtempSync, rmSync} from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import {
  afterEach, beforeEach, describe, test,
} from 'node:test'

import {resolvePaths, type StatePaths} from '../../src/config/paths.js'
import {DevtraceError, UsageError} from '../../src/core/errors.js'
import {pauseRun, resumeRun} from '../../src/daemon/pause-run.js'
import {startRun, startWarnings} from '../../src/daemon/start-run.js'
import {stopRun} from '../../src/daemon/stop-run.js'
import {type ControlServer, listen} from '../../src/ipc/server.js'
import {inspectPlan, inspectRun} from '../../src/read/inspect-run.js'
import {queryPlan, queryRun} from '../../src/read/query-run.js'
import {LocalAccess} from '../../src/store/local-access.js'
import {openStore} from '../../src/store/store.js'
import {fakeIo} from '../helpers/fake-io.js'

/**
 * The daemon-control flows (start, stop, pause, resume) and the read flows (inspect, query)
 * through their `xxxRun` with a fake terminal. Where a running daemon is needed, a real control
 * server listens on the state folder's socket and records what it is asked; reads run on real
 * DuckDB files.
 */

const T0 = Date.UTC(2026, 0, 5, 10, 0, 0) * 1000 // µs
const MINUTE = 60_000_000
const iso = (micros: number): string => new Date(micros / 1000).toISOString()

let home: string
let paths: StatePaths
let server: ControlServer | undefined

/** The pid of a process that has exited (and been reaped), so "is it gone?" answers yes at once. */
function exitedPid(): number {
  const child = spawnSync(process.execPath, ['-e', ''])
  assert.equal(child.status, 0)
  return child.pid
}

/** A daemon's socket answering the control methods; every request is recorded as [method, params]. */
async function daemonSocket(pid: number, paused = false): Promise<Array<[string, Record<string, unknown>]>> {
  const asked: Array<[string, Record<string, unknown>]> = []
  const status = (params: Record<string, unknown>): Record<string, unknown> => ({
    running: true,
    pid,
    paused,
    resumes_at: typeof params.forMs === 'number' ? new Date(Date.UTC(2026, 0, 5, 12) + params.forMs).toISOString() : null,
    events_session: 7,
  })
  const answer = (method: string, reply: (params: Record<string, unknown>) => unknown) => async (params: Record<string, unknown>) => {
    asked.push([method, params])
    return reply(params)
  }

  server = await listen(paths.socket, {
    ping: answer('ping', () => ({pid, version: 'test'})),
    status: answer('status', status),
    pause: answer('pause', params => ({...status(params), paused: true})),
    resume: answer('resume', params => ({...status(params), paused: false})),
    stop: answer('stop', params => ({...status(params), running: false})),
  }, () => {})
  return asked
}

describe('daemon control and read flows through xxxRun', () => {
  beforeEach(() => {
    home = mkdtempSync(path.join(os.tmpdir(), 'devtrace-runs-'))
    paths = resolvePaths({DEVTRACE_HOME: home})
  })

  afterEach(async () => {
    await server?.close()
    server = undefined
    rmSync(home, {force: true, recursive: true})
  })

  describe('startWarnings', () => {
    test('level full warns that key codes are stored', () => {
      const warnings = startWarnings({
        level: 'full', excludeApps: [], platform: 'linux', daemonChild: false, allowUnfiltered: false,
      })
      assert.equal(warnings.length, 1)
      assert.match(warnings[0], /^Level "full" stores exact key codes/)
    })

    test('exclude_apps where the focused app cannot be known: refused, or a warning with --allow-unfiltered; never on X11', () => {
      const base = {
        level: 'standard' as const, excludeApps: ['keepassxc'], daemonChild: false, allowUnfiltered: false,
      }
      for (const platform of ['darwin', 'win32'] as const) {
        assert.throws(() => startWarnings({...base, platform}), /^DevtraceError: exclude_apps is set, but app context is not available on .* --allow-unfiltered .*`devtrace pause`/, platform)
        const warnings = startWarnings({...base, allowUnfiltered: true, platform})
        assert.equal(warnings.length, 1, platform)
        assert.match(warnings[0], new RegExp(`^exclude_apps is set, but app context is not available on ${platform} yet: those apps are recorded too`))
      }

      const gnome = {WAYLAND_DISPLAY: 'wayland-0', XDG_CURRENT_DESKTOP: 'GNOME', DISPLAY: ':0'}
      assert.throws(() => startWarnings({...base, platform: 'linux', env: gnome}), /app context unavailable on GNOME Wayland/)
      // The spawned daemon checks too (it is what `start --foreground` run by hand does).
      assert.throws(() => startWarnings({
        ...base, daemonChild: true, platform: 'linux', env: gnome,
      }), /--allow-unfiltered/)
      assert.deepEqual(startWarnings({
        ...base, daemonChild: true, allowUnfiltered: true, platform: 'linux', env: gnome,
      }), [])
      for (const platform of ['linux', 'freebsd', 'openbsd'] as const) assert.deepEqual(startWarnings({...base, platform, env: {DISPLAY: ':0'}}), [], platform)
      assert.deepEqual(startWarnings({...base, excludeApps: [], platform: 'darwin'}), [])
    })

    test('the spawned daemon does not repeat what its parent said', () => {
      assert.deepEqual(startWarnings({
        level: 'full', excludeApps: ['x'], platform: 'darwin', daemonChild: true, allowUnfiltered: true,
      }), [])
    })
  })

  describe('startRun', () => {
    const options = (over: Partial<Parameters<typeof startRun>[0]> = {}): Parameters<typeof startRun>[0] => ({
      paths, level: 'standard', mouseHz: 100, flushMs: 1000, excludeApps: [], foreground: false, version: 'test', daemonChild: false, allowUnfiltered: false, platform: 'linux', ...over,
    })

    test('a daemon already answering: says so with its pid, warns first, starts nothing', async () => {
      const asked = await daemonSocket(4242)
      const io = fakeIo()
      const result = await startRun(options({
        level: 'full', excludeApps: ['keepassxc'], allowUnfiltered: true, platform: 'darwin',
      }), io)
      assert.deepEqual(result, {
        running: true, pid: 4242, level: 'full', already_running: true, warnings: io.warned,
      })
      assert.equal(io.warned.length, 2)
      assert.match(io.warned[0], /^Level "full"/)
      assert.match(io.warned[1], /^exclude_apps is set/)
      assert.deepEqual(io.logged, ['devtrace is already running (pid 4242).'])
      assert.deepEqual(asked.map(([method]) => method), ['ping'])
    })

    test('with --json nothing is logged or warned; the object is the output', async () => {
      await daemonSocket(4243)
      const io = fakeIo({json: true})
      const result = await startRun(options({level: 'full'}), io)
      assert.equal(result.already_running, true)
      assert.deepEqual(io.warned, [])
      assert.match(result.warnings.join('\n'), /^Level "full"/)
    })
  })

  describe('stopRun', () => {
    test('not running: says so and succeeds', async () => {
      const io = fakeIo()
      assert.deepEqual(await stopRun({paths}, io), {was_running: false, pid: null, events_session: 0})
      assert.deepEqual(io.logged, ['devtrace is not running.'])
    })

    test('running: asks the daemon to stop, waits for its process, reports the session', async () => {
      const pid = exitedPid()
      const asked = await daemonSocket(pid)
      const io = fakeIo()
      assert.deepEqual(await stopRun({paths}, io), {was_running: true, pid, events_session: 7})
      assert.deepEqual(asked.map(([method]) => method), ['stop'])
      assert.deepEqual(io.logged, [`devtrace stopped (pid ${pid}); 7 events recorded this session.`])
      assert.deepEqual(io.warned, [])
    })
  })

  describe('pauseRun and resumeRun', () => {
    test('--for is read as a duration and sent in milliseconds', async () => {
      const asked = await daemonSocket(4244)
      const io = fakeIo()
      const result = await pauseRun({paths, for: '10m'}, io)
      assert.deepEqual(asked, [['pause', {forMs: 600_000}]])
      assert.equal(result.paused, true)
      assert.equal(result.resumes_at, new Date(Date.UTC(2026, 0, 5, 12) + 600_000).toISOString())
      assert.equal(io.logged.length, 1)
      assert.match(io.logged[0], /^Paused until .+\.$/)
    })

    test('without --for: paused until resumed', async () => {
      const asked = await daemonSocket(4245)
      const io = fakeIo()
      assert.deepEqual(await pauseRun({paths}, io), {paused: true, resumes_at: null})
      assert.deepEqual(asked, [['pause', {}]])
      assert.deepEqual(io.logged, ['Paused. Run `devtrace resume` to record again.'])
    })

    test('a bad --for is a usage error before the daemon is asked anything', async () => {
      const asked = await daemonSocket(4246)
      for (const text of ['10', 'soon', '', '-5m']) {
        await assert.rejects(pauseRun({paths, for: text}, fakeIo()), (error: unknown) => {
          assert.ok(error instanceof UsageError, text)
          assert.match(error.message, /^--for ".*" is not a duration\.$/)
          return true
        })
      }

      assert.deepEqual(asked, [])
    })

    test('resume records again', async () => {
      const asked = await daemonSocket(4247, true)
      const io = fakeIo()
      assert.deepEqual(await resumeRun({paths}, io), {paused: false, was_paused: true})
      assert.deepEqual(asked.map(([method]) => method), ['status', 'resume'])
      assert.deepEqual(io.logged, ['Recording again.'])
    })

    test('resume when not paused says so, asks nothing more, and succeeds', async () => {
      const asked = await daemonSocket(4248)
      const io = fakeIo()
      assert.deepEqual(await resumeRun({paths}, io), {paused: false, was_paused: false})
      assert.deepEqual(asked.map(([method]) => method), ['status'])
      assert.deepEqual(io.logged, ['devtrace is not paused: it is already recording.'])
    })

    test('not running: pause and resume fail in one sentence, exit 1', async () => {
      for (const run of [() => pauseRun({paths, for: '1m'}, fakeIo()), () => resumeRun({paths}, fakeIo())]) {
        await assert.rejects(run(), (error: unknown) => {
          assert.ok(error instanceof DevtraceError)
          assert.equal(error.message, 'devtrace is not running.')
          assert.equal(error.exitCode, 1)
          return true
        })
      }
    })
  })

  /** 30 events, one a minute from T0: key_down and mouse_move alternately. */
  async function seed(): Promise<void> {
    const access = await LocalAccess.open(paths.database)
    const connection = await access.connect()
    try {
      await connection.run(`INSERT INTO events_live
        SELECT make_timestamp(${T0} + i * ${MINUTE}), 1, CASE WHEN i % 2 = 0 THEN 'key_down' ELSE 'mouse_move' END,
          NULL, CASE WHEN i % 2 = 0 THEN 'letter' END, NULL, NULL, NULL, NULL, NULL, NULL, 'code', NULL
        FROM range(30) t(i)`)
    } finally {
      connection.closeSync()
      access.close()
    }
  }

  /** Run a plan's query on the file, the way inspect does: the event times (µs) it returns, in order. */
  async function timesOf(query: {params: Record<string, unknown>; sql: string}): Promise<number[]> {
    const store = await openStore(paths)
    try {
      const times: number[] = []
      for await (const batch of store.query(`SELECT epoch_us(ts) AS t FROM (${query.sql})`, query.params as never)) {
        for (const row of batch.rows) times.push(Number(row[0]))
      }

      return times
    } finally {
      store.close()
    }
  }

  describe('inspectPlan and inspectRun', () => {
    const base = {limit: 50, follow: false, csv: false}

    test('the format: --json wins, then --csv, else the table', () => {
      assert.equal(inspectPlan({paths, ...base, csv: true}, {json: true}).format, 'json')
      assert.equal(inspectPlan({paths, ...base, csv: true}, {json: false}).format, 'csv')
      assert.equal(inspectPlan({paths, ...base}, {json: false}).format, 'table')
    })

    test('the newest --limit events that match, oldest first, within [--since, --until)', async () => {
      await seed()
      const plan = inspectPlan({
        paths, ...base, limit: 3, kinds: ['key_down'], since: iso(T0 + 4 * MINUTE), until: iso(T0 + 20 * MINUTE),
      }, {json: false})
      // key_down at even minutes 4..18; the newest three are 14, 16, 18.
      assert.deepEqual(await timesOf(plan.query!), [14, 16, 18].map(minute => T0 + minute * MINUTE))
      const all = inspectPlan({paths, ...base}, {json: false})
      assert.equal((await timesOf(all.query!)).length, 30)
    })

    test('a relative --since counts back from now', async () => {
      await seed()
      const plan = inspectPlan({
        paths, ...base, since: '5m', now: new Date((T0 + 29 * MINUTE) / 1000),
      }, {json: false})
      assert.deepEqual(await timesOf(plan.query!), [24, 25, 26, 27, 28, 29].map(minute => T0 + minute * MINUTE))
    })

    test('--follow builds no query; a bad time is a usage error', () => {
      assert.equal(inspectPlan({paths, ...base, follow: true}, {json: false}).query, undefined)
      assert.throws(() => inspectPlan({paths, ...base, since: 'yesterdayish'}, {json: false}), UsageError)
    })

    test('no database yet: the one sentence for it; --follow without the daemon says it needs it', async () => {
      await assert.rejects(inspectRun({paths, ...base}, fakeIo()), /^DevtraceError: There is no devtrace database yet/)
      await assert.rejects(inspectRun({paths, ...base, follow: true}, fakeIo()), /--follow needs the daemon: devtrace is not running\./)
    })
  })

  describe('queryPlan and queryRun', () => {
    const plan = (timeout: string, csv = false, json = false): ReturnType<typeof queryPlan> => queryPlan({
      paths, sql: 'SELECT 1', csv, timeout,
    }, {json})

    test('--timeout: a bare number is seconds, a unit is honoured, 0 is no limit', () => {
      assert.deepEqual(plan('5m').limits, {timeoutMs: 300_000})
      assert.deepEqual(plan('30').limits, {timeoutMs: 30_000})
      assert.deepEqual(plan('1h').limits, {timeoutMs: 3_600_000})
      assert.deepEqual(plan('0').limits, {timeoutMs: 0})
      assert.deepEqual(plan('0s').limits, {timeoutMs: 0})
      for (const bad of ['soon', '', '-1']) assert.throws(() => plan(bad), UsageError, bad)
    })

    test('the format: --json wins, then --csv, else the table', () => {
      assert.equal(plan('5m', true, true).format, 'json')
      assert.equal(plan('5m', true).format, 'csv')
      assert.equal(plan('5m').format, 'table')
    })

    test('a bad --timeout is refused before the database is looked for; then no database is one sentence', async () => {
      await assert.rejects(queryRun({
        paths, sql: 'SELECT 1', csv: false, timeout: 'soon',
      }, fakeIo()), UsageError)
      await assert.rejects(queryRun({
        paths, sql: 'SELECT 1', csv: false, timeout: '5m',
      }, fakeIo()), /There is no devtrace database yet/)
    })
  })
})
