import assert from 'node:assert/strict'
import {randomUUID} from 'node:crypto'
import {
  existsSync, readFileSync, statSync, writeFileSync,
} from 'node:fs'
import path from 'node:path'
import {
  after, before, describe, test,
} from 'node:test'

import {
  makeSandbox, type Sandbox, sleep, waitFor,
} from '../helpers/cli.js'
import {queryFile} from '../helpers/db.js'
import {
  activate, openWindow, type Started, startWindowManager, type TestWindow, windowsSkipReason,
} from '../helpers/windows.js'
import {
  e2eSkipReason, startXvfb, type VirtualDisplay, xdotool,
} from '../helpers/xvfb.js'

const skip = e2eSkipReason() || windowsSkipReason()

// uiohook key codes.
const KEY = {
  a: 30, b: 48, c: 46, d: 32, e: 18, p: 25, shift: 42, ctrl: 29, alt: 56,
} as const

/**
 * App context under a private Xvfb with openbox and two windows of known class and title:
 * an xterm of class DevtraceAlpha whose title is a random sentinel, and an xmessage (class
 * Xmessage, instance devbeta) which, like xlogo, has no _NET_WM_PID.
 */
describe('app context and capture-time privacy on a private X display', {skip}, () => {
  let x: VirtualDisplay
  let wm: Started
  let alpha: TestWindow
  let beta: TestWindow
  const sentinel = `devtrace-sentinel-${randomUUID()}`
  const sandboxes: Sandbox[] = []

  before(async () => {
    x = await startXvfb()
    wm = await startWindowManager(x.display)
    alpha = await openWindow(x.display, 'xterm', ['-class', 'DevtraceAlpha', '-T', sentinel, '-e', 'sleep', '3600'], 'DevtraceAlpha')
    beta = await openWindow(x.display, 'xmessage', ['-name', 'devbeta', '-title', 'beta window', 'beta'], 'Xmessage')
  })

  after(async () => {
    for (const sandbox of sandboxes) {
      await sandbox.run(['stop'])
      sandbox.cleanup()
    }

    await alpha?.stop()
    await beta?.stop()
    await wm?.stop()
    await x?.stop()
  })

  function sandbox(): Sandbox {
    const s = makeSandbox(x.display)
    sandboxes.push(s)
    return s
  }

  const database = (s: Sandbox): string => path.join(s.home, 'devtrace.duckdb')

  async function status(s: Sandbox): Promise<Record<string, unknown>> {
    const result = await s.run(['status', '--json'])
    assert.equal(result.code, 0, result.stderr)
    return JSON.parse(result.stdout) as Record<string, unknown>
  }

  /** Focus a window and wait until the daemon says that app has focus. */
  async function focus(s: Sandbox, window: TestWindow, app: string): Promise<Record<string, unknown>> {
    await activate(x.display, window)
    return waitFor(async () => {
      const current = await status(s)
      return current.app === app ? current : undefined
    }, `the daemon to see ${app} focused`)
  }

  async function start(s: Sandbox, ...args: string[]): Promise<void> {
    const result = await s.run(['start', ...args])
    assert.equal(result.code, 0, result.stderr)
  }

  async function stop(s: Sandbox): Promise<void> {
    const result = await s.run(['stop'])
    assert.equal(result.code, 0, result.stderr)
  }

  test('each event carries the focused app: WM_CLASS class, also for a window without _NET_WM_PID', async () => {
    const s = sandbox()
    await start(s)
    const first = await focus(s, alpha, 'DevtraceAlpha')
    assert.equal(first.app_tracking, 'x11')
    assert.equal(first.app_excluded, false)
    xdotool(x.display, 'type', '--delay', '5', 'abc')
    await focus(s, beta, 'Xmessage')
    xdotool(x.display, 'type', '--delay', '5', 'de')
    await focus(s, alpha, 'DevtraceAlpha')
    xdotool(x.display, 'type', '--delay', '5', 'a')
    await stop(s)
    const rows = await queryFile(database(s), 'SELECT app, kind, count(*)::INTEGER AS n FROM events GROUP BY ALL ORDER BY app, kind')
    assert.deepEqual(rows, [
      {app: 'DevtraceAlpha', kind: 'key_down', n: 4},
      {app: 'DevtraceAlpha', kind: 'key_up', n: 4},
      {app: 'Xmessage', kind: 'key_down', n: 2},
      {app: 'Xmessage', kind: 'key_up', n: 2},
    ])
    const order = await queryFile(database(s), 'SELECT app FROM events WHERE kind = \'key_down\' ORDER BY ts')
    assert.deepEqual(order.map(row => row.app), ['DevtraceAlpha', 'DevtraceAlpha', 'DevtraceAlpha', 'Xmessage', 'Xmessage', 'DevtraceAlpha'])
  })

  test('level minimal stores no app', async () => {
    const s = sandbox()
    await start(s, '--level', 'minimal')
    await activate(x.display, alpha)
    await sleep(300)
    xdotool(x.display, 'type', '--delay', '5', 'ab')
    await stop(s)
    assert.deepEqual(await queryFile(database(s), 'SELECT count(*)::INTEGER AS n, count(app)::INTEGER AS apps FROM events'), [{n: 4, apps: 0}])
  })

  test('an excluded app records nothing, only a counted gap; the list reaches a running daemon within a second', async () => {
    const s = sandbox()
    await start(s)
    await focus(s, alpha, 'DevtraceAlpha')
    xdotool(x.display, 'type', '--delay', '5', 'ab')
    const before = await focus(s, beta, 'Xmessage')
    assert.equal(before.app_excluded, false)

    const set = await s.run(['config', 'set', 'exclude_apps', 'KeePassXC, XMESS*'])
    assert.equal(set.code, 0, set.stderr)
    await waitFor(async () => (await status(s)).app_excluded === true, 'the exclusion to apply', 10_000)
    // "Within a second" is judged by the daemon's own clock: from the moment config.json changed
    // to the daemon's log line applying it (a CLI call's start-up time on a loaded machine is not
    // the daemon's latency).
    const changedAt = statSync(path.join(s.home, 'config.json')).mtimeMs
    const reloaded = readFileSync(path.join(s.home, 'logs', 'daemon.log'), 'utf8')
    .split('\n')
    .findLast(line => /settings reloaded: .*exclude_apps/.test(line))
    assert.ok(reloaded, 'the daemon logged the reload')
    const appliedAt = Date.parse(reloaded.split(' ')[0])
    assert.ok(appliedAt - changedAt < 1000, `applied ${appliedAt - changedAt} ms after config.json changed`)

    xdotool(x.display, 'type', '--delay', '5', 'hello')
    const during = await waitFor(async () => {
      const current = await status(s)
      return current.excluded_events === 10 ? current : undefined
    }, 'ten excluded key events')
    assert.equal(during.events_session, 4)
    assert.equal(during.events, 4)

    // A broken config.json is logged and ignored: the daemon keeps running with the old list.
    writeFileSync(path.join(s.home, 'config.json'), '{"exclude_apps": [')
    await waitFor(() => readFileSync(path.join(s.home, 'logs', 'daemon.log'), 'utf8').includes('config not applied, keeping the previous settings'), 'the broken config to be logged')
    xdotool(x.display, 'type', '--delay', '5', 'ab')
    await waitFor(async () => (await status(s)).excluded_events === 14, 'four more excluded key events')

    await focus(s, alpha, 'DevtraceAlpha')
    xdotool(x.display, 'type', '--delay', '5', 'c')
    const afterwards = await waitFor(async () => {
      const current = await status(s)
      return current.events === 6 ? current : undefined
    }, 'six recorded events')
    assert.equal(afterwards.excluded_events, 14)
    assert.equal(afterwards.running, true)
    await stop(s)
    const rows = await queryFile(database(s), 'SELECT app, kind, count(*)::INTEGER AS n FROM events GROUP BY ALL ORDER BY app, kind')
    assert.deepEqual(rows, [
      {app: 'DevtraceAlpha', kind: 'key_down', n: 3},
      {app: 'DevtraceAlpha', kind: 'key_up', n: 3},
    ])
  })

  test('titles only with capture_titles; a title sentinel never reaches the database bytes otherwise', async () => {
    const fileBytes = (s: Sandbox): Buffer => Buffer.concat(['devtrace.duckdb', 'devtrace.duckdb.wal']
    .map(name => path.join(s.home, name))
    .filter(file => existsSync(file))
    .map(file => readFileSync(file)))

    async function session(titles: boolean): Promise<Sandbox> {
      const s = sandbox()
      if (titles) assert.equal((await s.run(['config', 'set', 'capture_titles', 'true'])).code, 0)
      await start(s)
      assert.equal((await focus(s, alpha, 'DevtraceAlpha')).capture_titles, titles)
      xdotool(x.display, 'type', '--delay', '5', 'ab')
      await focus(s, beta, 'Xmessage')
      xdotool(x.display, 'type', '--delay', '5', 'c')
      await focus(s, alpha, 'DevtraceAlpha')
      await stop(s)
      return s
    }

    // With titles on, the sentinel is stored, and the byte check finds it: the check can fail.
    const on = await session(true)
    const windows = await queryFile(database(on), 'SELECT app, title FROM windows ORDER BY ts')
    assert.deepEqual(windows, [
      {app: 'DevtraceAlpha', title: sentinel},
      {app: 'Xmessage', title: 'beta window'},
      {app: 'DevtraceAlpha', title: sentinel},
    ])
    assert.equal(fileBytes(on).includes(sentinel), true)

    // Off (the default): no windows rows, and not one byte of the title anywhere on disk.
    const off = await session(false)
    assert.deepEqual(await queryFile(database(off), 'SELECT count(*)::INTEGER AS n FROM windows'), [{n: 0}])
    assert.deepEqual(await queryFile(database(off), 'SELECT count(*)::INTEGER AS n FROM events WHERE app = \'DevtraceAlpha\''), [{n: 4}])
    assert.equal(fileBytes(off).includes(sentinel), false)
    assert.equal(readFileSync(path.join(off.home, 'logs', 'daemon.log'), 'utf8').includes(sentinel), false)
  })

  test('the panic hotkey pauses and resumes, and its own keys are never stored', async () => {
    const s = sandbox()
    await start(s, '--level', 'full')
    await focus(s, alpha, 'DevtraceAlpha')
    xdotool(x.display, 'type', '--delay', '5', 'ab')
    xdotool(x.display, 'key', 'ctrl+alt+shift+p')
    const paused = await waitFor(async () => {
      const current = await status(s)
      return current.paused === true ? current : undefined
    }, 'the hotkey to pause')
    assert.equal(paused.resumes_at, null)
    xdotool(x.display, 'type', '--delay', '5', 'cd')
    xdotool(x.display, 'key', 'ctrl+alt+shift+p')
    await waitFor(async () => (await status(s)).paused === false, 'the hotkey to resume')
    // Shift+A: a held-back modifier that turns out not to be the chord is recorded, in order.
    xdotool(x.display, 'type', '--delay', '5', 'e')
    xdotool(x.display, 'key', 'shift+a')
    const final = await waitFor(async () => {
      const current = await status(s)
      return current.events === 10 ? current : undefined
    }, 'ten recorded events')
    assert.equal(final.ignored_while_paused, 4)
    await stop(s)
    const downs = await queryFile(database(s), 'SELECT key_code AS code FROM events WHERE kind = \'key_down\' ORDER BY ts')
    assert.deepEqual(downs.map(row => row.code), [KEY.a, KEY.b, KEY.e, KEY.shift, KEY.a])
    const ups = await queryFile(database(s), 'SELECT key_code AS code FROM events WHERE kind = \'key_up\' ORDER BY ts')
    // xdotool releases the keys of shift+a in the order it pressed them.
    assert.deepEqual(ups.map(row => row.code), [KEY.a, KEY.b, KEY.e, KEY.shift, KEY.a])
    const log = readFileSync(path.join(s.home, 'logs', 'daemon.log'), 'utf8')
    assert.match(log, /paused \(panic hotkey\)[\s\S]*resumed \(panic hotkey\)/)
  })

  test('pause --for 3s resumes by itself, and status says when', async () => {
    const s = sandbox()
    await start(s)
    await focus(s, alpha, 'DevtraceAlpha')
    const before = Date.now()
    const pause = await s.run(['pause', '--for', '3s', '--json'])
    const after = Date.now()
    assert.equal(pause.code, 0, pause.stderr)
    const {paused, resumes_at: resumesAt} = JSON.parse(pause.stdout) as {paused: boolean; resumes_at: string}
    assert.equal(paused, true)
    // The daemon took the request between `before` and `after`: it resumes exactly 3 s later.
    const resumes = Date.parse(resumesAt)
    assert.ok(resumes >= before + 3000 && resumes <= after + 3000, `resumes_at ${resumesAt} not 3 s after the request`)
    const during = await status(s)
    assert.equal(during.paused, true)
    assert.equal(during.resumes_at, resumesAt)
    xdotool(x.display, 'type', '--delay', '5', 'ab')
    await waitFor(async () => (await status(s)).paused === false, 'the timed pause to end', 6000)
    assert.ok(Date.now() >= Date.parse(resumesAt), 'not before resumes_at')
    assert.equal((await status(s)).resumes_at, null)
    xdotool(x.display, 'type', '--delay', '5', 'c')
    await stop(s)
    const rows = await queryFile(database(s), 'SELECT key_code, key_class, count(*)::INTEGER AS n FROM events GROUP BY ALL')
    assert.deepEqual(rows, [{key_code: null, key_class: 'letter', n: 2}])
  })
})
