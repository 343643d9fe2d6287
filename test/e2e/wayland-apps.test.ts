import assert from 'node:assert/strict'
import path from 'node:path'
import {
  after, before, describe, test,
} from 'node:test'

import {
  makeSandbox, oneLine, type Sandbox, waitFor,
} from '../helpers/cli.js'
import {queryFile} from '../helpers/db.js'
import {type HeadlessSway, startHeadlessSway, swaySkipReason} from '../helpers/sway.js'
import {
  e2eSkipReason, startXvfb, type VirtualDisplay, xdotool,
} from '../helpers/xvfb.js'

const skip = e2eSkipReason() || swaySkipReason()

// uiohook key codes (stored at level full).
const KEY = {a: 30, b: 48, c: 46} as const

/**
 * App context in Wayland sessions. A real headless Sway with two foot terminals (app ids alpha
 * and beta) supplies focus over its IPC socket. The input itself comes from the X11 hook on a
 * private Xvfb, typed with xdotool (DISPLAY set, as XWayland would be): the daemon is told it is in
 * a Wayland session (XDG_SESSION_TYPE=wayland, SWAYSOCK), so the app stamped on each event must
 * come from Sway, not from X. GNOME's Wayland, which tells no client about focus, is played by
 * its environment alone.
 */
describe('app context on Wayland: Sway IPC, and GNOME where it is unavailable', {skip}, () => {
  let x: VirtualDisplay
  let sway: HeadlessSway
  const sandboxes: Sandbox[] = []

  before(async () => {
    x = await startXvfb()
    sway = await startHeadlessSway()
    await sway.openClient('alpha', 'title-alpha')
    await sway.openClient('beta', 'title-beta')
  })

  after(async () => {
    for (const s of sandboxes) {
      await s.run(['stop'])
      s.cleanup()
    }

    await sway?.stop()
    await x?.stop()
  })

  function sandbox(session: Record<string, string>): Sandbox {
    const s = makeSandbox(x.display)
    Object.assign(s.env, {XDG_SESSION_TYPE: 'wayland'}, session)
    sandboxes.push(s)
    return s
  }

  const swaySession = (): Record<string, string> => ({SWAYSOCK: sway.socket, WAYLAND_DISPLAY: sway.waylandDisplay, XDG_CURRENT_DESKTOP: 'sway'})
  const gnomeSession = {WAYLAND_DISPLAY: 'wayland-0', XDG_CURRENT_DESKTOP: 'GNOME'}
  const database = (s: Sandbox): string => path.join(s.home, 'devtrace.duckdb')

  async function status(s: Sandbox): Promise<Record<string, unknown>> {
    const result = await s.run(['status', '--json'])
    assert.equal(result.code, 0, result.stderr)
    return JSON.parse(result.stdout) as Record<string, unknown>
  }

  async function run(s: Sandbox, ...args: string[]): Promise<{stdout: string; stderr: string}> {
    const result = await s.run(args)
    assert.equal(result.code, 0, `${args.join(' ')}: ${result.stderr}`)
    return result
  }

  /** Move focus in sway and wait until the daemon names that app (null: no window). */
  async function focus(s: Sandbox, command: string, app: null | string): Promise<void> {
    sway.swaymsg(command)
    await waitFor(async () => (await status(s)).app === app, `the daemon to see ${app} focused`)
  }

  test('events carry the Wayland app id sway reports focused; titles from sway when capture_titles is on', async () => {
    const s = sandbox(swaySession())
    await run(s, 'config', 'set', 'capture_titles', 'true')
    await run(s, 'start', '--backend', 'hook', '--level', 'full')
    const first = await status(s)
    assert.deepEqual(first.app_context, {source: 'sway', available: true, reason: null})
    assert.equal(first.app_tracking, 'sway')

    await focus(s, '[app_id=alpha] focus', 'alpha')
    xdotool(x.display, 'type', '--delay', '5', 'aa')
    await focus(s, '[app_id=beta] focus', 'beta')
    xdotool(x.display, 'type', '--delay', '5', 'bbb')
    // An empty workspace: no window has focus, and sway sends no window event for that.
    await focus(s, 'workspace 2', null)
    xdotool(x.display, 'type', '--delay', '5', 'c')
    await focus(s, '[app_id=alpha] focus', 'alpha')
    xdotool(x.display, 'type', '--delay', '5', 'a')
    const text = await run(s, 'status')
    assert.match(text.stdout, /^app +alpha \(from sway\)$/m)
    await run(s, 'stop')

    const keys = await queryFile(database(s), 'SELECT key_code, app FROM events WHERE kind = \'key_down\' ORDER BY ts')
    assert.deepEqual(keys.map(row => `${row.key_code} ${row.app}`), [
      `${KEY.a} alpha`, `${KEY.a} alpha`, `${KEY.b} beta`, `${KEY.b} beta`, `${KEY.b} beta`, `${KEY.c} null`, `${KEY.a} alpha`,
    ])
    const windows = await queryFile(database(s), 'SELECT app, title FROM windows ORDER BY ts')
    // beta had focus at start (the last client opened); an empty workspace is no row.
    assert.deepEqual(windows.map(row => `${row.app}: ${row.title}`), [
      'beta: title-beta', 'alpha: title-alpha', 'beta: title-beta', 'alpha: title-alpha',
    ])
    const [session] = await queryFile(database(s), 'SELECT backend FROM sessions')
    assert.equal(session.backend, 'hook')
  })

  test('GNOME on Wayland: status says app context is unavailable there, and events carry no app', async () => {
    const s = sandbox(gnomeSession)
    await run(s, 'start', '--backend', 'hook')
    const current = await status(s)
    assert.deepEqual(current.app_context, {
      source: 'none', available: false, reason: 'app context unavailable on GNOME Wayland (it needs a compositor extension)',
    })
    assert.equal(current.app_tracking, 'none')
    const text = await run(s, 'status')
    assert.match(oneLine(text.stdout), /app not tracked \(app context unavailable on GNOME Wayland/)
    xdotool(x.display, 'type', '--delay', '5', 'ab')
    await run(s, 'stop')
    assert.deepEqual(await queryFile(database(s), 'SELECT count(*)::INTEGER AS n, count(app)::INTEGER AS apps FROM events'), [{n: 4, apps: 0}])
  })

  test('GNOME on Wayland with exclude_apps: start refuses in one sentence (also --foreground); --allow-unfiltered starts and warns', async () => {
    const s = sandbox(gnomeSession)
    await run(s, 'config', 'set', 'exclude_apps', 'KeePassXC')
    for (const args of [['start', '--backend', 'hook'], ['start', '--backend', 'hook', '--foreground']]) {
      const refused = await s.run(args)
      assert.equal(refused.code, 1, `${args.join(' ')}: ${refused.stdout}${refused.stderr}`)
      const said = oneLine(refused.stderr)
      assert.match(said, /exclude_apps is set, but app context unavailable on GNOME Wayland .* so those apps would be recorded too: start with --allow-unfiltered .* `devtrace pause`/)
      assert.equal((await status(s)).running, false, 'no daemon was started')
    }

    const json = await s.run(['start', '--backend', 'hook', '--json'])
    assert.equal(json.code, 1)
    assert.match(JSON.parse(json.stdout).error.message, /--allow-unfiltered/)

    // Allowed: the spawned daemon, which checks too, must have been given the flag to start at all.
    const started = await run(s, 'start', '--backend', 'hook', '--allow-unfiltered')
    assert.match(oneLine(started.stderr), /exclude_apps is set, but app context unavailable on GNOME Wayland .*: those apps are recorded too \(--allow-unfiltered\)/)
    const current = await status(s)
    assert.equal(current.running, true)
    assert.equal((current.app_context as {available: boolean}).available, false)
    await run(s, 'stop')
  })

  test('when sway exits, the app becomes unknown and status says why; capture goes on', async () => {
    const s = sandbox(swaySession())
    await run(s, 'start', '--backend', 'hook')
    await focus(s, '[app_id=beta] focus', 'beta')
    await sway.stop()
    const gone = await waitFor(async () => {
      const current = await status(s)
      return (current.app_context as {available: boolean}).available ? undefined : current
    }, 'status to say sway is gone')
    assert.equal(gone.app, null)
    assert.match((gone.app_context as {reason: string}).reason, /sway closed its IPC socket|no sway IPC at/)
    xdotool(x.display, 'type', '--delay', '5', 'a')
    await run(s, 'stop')
    assert.deepEqual(await queryFile(database(s), 'SELECT kind, app FROM events ORDER BY ts'), [{kind: 'key_down', app: null}, {kind: 'key_up', app: null}])
  })
})
