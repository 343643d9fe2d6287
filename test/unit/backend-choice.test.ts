import {Chalk} from 'chalk'
import assert from 'node:assert/strict'
import {describe, it} from 'node:test'

import type {DeviceAccess} from '../../src/capture/evdev/access.js'
import type {SessionLock} from '../../src/capture/session-lock.js'

import {
  type BackendProbes, type ChoiceContext, chooseBackend, sessionKind,
} from '../../src/capture/backend.js'
import {type BackendChoice} from '../../src/core/capture-backend.js'
import {DevtraceError} from '../../src/core/errors.js'
import {backendLabel, capturingText} from '../../src/ui/daemon-view.js'

const READABLE: DeviceAccess = {eventDir: '/dev/input', readable: ['event0', 'event1'], unreadable: []}
const UNREADABLE: DeviceAccess = {eventDir: '/dev/input', readable: [], unreadable: ['event0', 'event1']}
const NONE: DeviceAccess = {eventDir: '/dev/input', readable: [], unreadable: []}
const UNLOCKED: SessionLock = {known: true, active: true, locked: false}
const UNKNOWN: SessionLock = {known: false, reason: 'loginctl is not installed'}

/** A machine: whether the hook works, which devices can be read, what logind says; records what was asked. */
function machine(options: {hook?: boolean; devices?: DeviceAccess; lock?: SessionLock} = {}): {asked: string[]; probes: BackendProbes} {
  const asked: string[] = []
  return {
    asked,
    probes: {
      async hook() {
        asked.push('hook')
        if (options.hook === false) throw new DevtraceError('There is no X display at DISPLAY=:9 (nothing answers there).')
      },
      devices() {
        asked.push('devices')
        return options.devices ?? READABLE
      },
      async lock() {
        asked.push('lock')
        return options.lock ?? UNLOCKED
      },
    },
  }
}

async function choose(choice: BackendChoice, env: NodeJS.ProcessEnv, m: ReturnType<typeof machine>, context: ChoiceContext = {}) {
  return chooseBackend(choice, env, {platform: 'linux', ...context, probes: m.probes})
}

async function refusal(choice: BackendChoice, env: NodeJS.ProcessEnv, m: ReturnType<typeof machine>, context: ChoiceContext = {}): Promise<DevtraceError> {
  const error = await choose(choice, env, m, context).then(() => undefined, (error_: unknown) => error_)
  assert.ok(error instanceof DevtraceError, `expected a refusal, got ${String(error)}`)
  assert.equal(error.exitCode, 1)
  return error
}

const WAYLAND_WITH_XWAYLAND = {XDG_SESSION_TYPE: 'wayland', WAYLAND_DISPLAY: 'wayland-0', DISPLAY: ':0'}
const CONSOLE = {XDG_SESSION_TYPE: 'tty'}

/** The input-group sentence: names the fix and what it means. */
function assertInputGroupSentence(message: string): void {
  assert.match(message, /sudo usermod -aG input \$USER`, then log in again/)
  assert.match(message, /any program you run can then read all keyboard and mouse input/)
}

describe('sessionKind', () => {
  it('Wayland by XDG_SESSION_TYPE or WAYLAND_DISPLAY, even with DISPLAY set for XWayland', () => {
    assert.equal(sessionKind({XDG_SESSION_TYPE: 'wayland'}), 'wayland')
    assert.equal(sessionKind({WAYLAND_DISPLAY: 'wayland-1', DISPLAY: ':0'}), 'wayland')
    assert.equal(sessionKind(WAYLAND_WITH_XWAYLAND), 'wayland')
  })

  it('X11 with a DISPLAY (startx from a console too); else no display', () => {
    assert.equal(sessionKind({DISPLAY: ':0'}), 'x11')
    assert.equal(sessionKind({XDG_SESSION_TYPE: 'tty', DISPLAY: ':0'}), 'x11')
    assert.equal(sessionKind({XDG_SESSION_TYPE: 'x11'}), 'x11')
    assert.equal(sessionKind(CONSOLE), 'none')
    assert.equal(sessionKind({}), 'none')
  })
})

describe('chooseBackend', () => {
  it('auto in an X11 session: the hook, devices never looked at', async () => {
    const m = machine()
    assert.deepEqual(await choose('auto', {DISPLAY: ':0', XDG_SESSION_TYPE: 'x11'}, m), {backend: 'hook', warnings: [], lockGate: false})
    assert.deepEqual(m.asked, ['hook'])
  })

  it('auto on macOS and Windows: the hook; evdev there is refused', async () => {
    for (const platform of ['darwin', 'win32'] as const) {
      assert.equal((await choose('auto', WAYLAND_WITH_XWAYLAND, machine(), {platform})).backend, 'hook')
      const error = await refusal('evdev', {}, machine(), {platform})
      assert.match(error.message, new RegExp(`Linux's input devices, and this is ${platform}`))
    }
  })

  it('auto in a Wayland session (XWayland too) or with no display: evdev when devices are readable, gated on the lock', async () => {
    for (const env of [WAYLAND_WITH_XWAYLAND, {WAYLAND_DISPLAY: 'wayland-0'}, CONSOLE, {}]) {
      const m = machine()
      assert.deepEqual(await choose('auto', env, m), {backend: 'evdev', warnings: [], lockGate: true}, JSON.stringify(env))
      assert.deepEqual(m.asked, ['devices', 'lock'])
    }
  })

  it('hook explicit in a Wayland session: as before, the hook (XWayland)', async () => {
    const m = machine()
    assert.equal((await choose('hook', WAYLAND_WITH_XWAYLAND, m)).backend, 'hook')
    assert.deepEqual(m.asked, ['hook'])
  })

  it('Wayland without readable devices falls back to the hook, warning that only XWayland apps are seen and naming the fix', async () => {
    const chosen = await choose('auto', WAYLAND_WITH_XWAYLAND, machine({devices: UNREADABLE}))
    assert.equal(chosen.backend, 'hook')
    assert.equal(chosen.warnings.length, 1)
    assert.match(chosen.warnings[0], /sees only input to X11 \(XWayland\) apps/)
    assertInputGroupSentence(chosen.warnings[0])
  })

  it('Wayland with no devices at all and XWayland: the hook, warning without the group fix', async () => {
    const chosen = await choose('auto', WAYLAND_WITH_XWAYLAND, machine({devices: NONE}))
    assert.equal(chosen.backend, 'hook')
    assert.match(chosen.warnings[0], /there are no input devices in \/dev\/input, so devtrace captures through XWayland/)
    assert.doesNotMatch(chosen.warnings[0], /usermod/)
  })

  it('Wayland without readable devices and no working XWayland: the input-group sentence', async () => {
    const error = await refusal('auto', WAYLAND_WITH_XWAYLAND, machine({devices: UNREADABLE, hook: false}))
    assert.match(error.message, /^Wayland shows no program global input, so devtrace must read the kernel's input devices in \/dev\/input, which needs the input group/)
    assertInputGroupSentence(error.message)
    assert.match(error.suggestion ?? '', /X11 session/)
  })

  it('no display and unreadable devices: the input-group sentence', async () => {
    const error = await refusal('auto', CONSOLE, machine({devices: UNREADABLE}))
    assert.match(error.message, /^Without a display devtrace must read the kernel's input devices/)
    assertInputGroupSentence(error.message)
  })

  it('--backend evdev with unreadable devices, in any session: the same sentence', async () => {
    for (const env of [{DISPLAY: ':0'}, WAYLAND_WITH_XWAYLAND, CONSOLE]) {
      const error = await refusal('evdev', env, machine({devices: UNREADABLE}))
      assert.match(error.message, /^The evdev backend must read the kernel's input devices in \/dev\/input/)
      assertInputGroupSentence(error.message)
    }
  })

  it('no devices at all: says there is nothing to capture', async () => {
    assert.match((await refusal('auto', {}, machine({devices: NONE}))).message, /^There is no X display \(DISPLAY is not set\) and there are no input devices in \/dev\/input/)
    assert.match((await refusal('auto', {WAYLAND_DISPLAY: 'wayland-0'}, machine({devices: NONE}))).message, /^This is a Wayland session without X access \(DISPLAY is not set\)/)
    assert.match((await refusal('evdev', {DISPLAY: ':0'}, machine({devices: NONE}))).message, /^There are no input devices in \/dev\/input to read\.$/)
  })

  it('some devices unreadable: evdev, naming the ones whose input is not recorded', async () => {
    const chosen = await choose('evdev', CONSOLE, machine({devices: {eventDir: '/dev/input', readable: ['event0'], unreadable: ['event3']}}))
    assert.equal(chosen.backend, 'evdev')
    assert.deepEqual(chosen.warnings, ['1 of 2 input devices in /dev/input cannot be read (event3): input from them is not recorded.'])
  })

  it('lock state unknown: standard is started with a warning and no gate; full is refused', async () => {
    const chosen = await choose('evdev', CONSOLE, machine({lock: UNKNOWN}), {level: 'standard'})
    assert.equal(chosen.lockGate, false)
    assert.deepEqual(chosen.warnings, [
      'devtrace cannot tell when your session is locked or another user\'s is in front (loginctl is not installed), so it records all input the devices see, the lock screen included.',
    ])
    const error = await refusal('auto', WAYLAND_WITH_XWAYLAND, machine({lock: UNKNOWN}), {level: 'full'})
    assert.match(error.message, /^Level full is refused with the evdev backend, because devtrace cannot tell when your session is locked \(loginctl is not installed\)/)
    assert.match(error.suggestion ?? '', /--level standard/)
  })

  it('lock state known: full is allowed with evdev, gated; locked at start still starts (the gate drops input)', async () => {
    assert.deepEqual(await choose('evdev', CONSOLE, machine(), {level: 'full'}), {backend: 'evdev', warnings: [], lockGate: true})
    const locked = await choose('evdev', CONSOLE, machine({lock: {known: true, active: true, locked: true}}), {level: 'full'})
    assert.equal(locked.lockGate, true)
  })

  it('the hook with --level full does not ask logind', async () => {
    const m = machine({lock: UNKNOWN})
    assert.equal((await choose('auto', {DISPLAY: ':0'}, m, {level: 'full'})).backend, 'hook')
    assert.deepEqual(m.asked, ['hook'])
  })
})

describe('start output names the backend', () => {
  it('evdev and the hook per platform', () => {
    assert.equal(backendLabel('evdev'), 'evdev (kernel input devices)')
    assert.equal(backendLabel('hook', 'linux'), 'hook (X11)')
    assert.equal(backendLabel('hook', 'darwin'), 'hook (macOS)')
    assert.equal(backendLabel('hook', 'win32'), 'hook (Windows)')
    const c = new Chalk({level: 0})
    assert.equal(capturingText(42, 'standard', c, 'evdev'), '● devtrace is capturing (pid 42, level standard) via evdev (kernel input devices).')
    assert.equal(capturingText(42, 'minimal', c), '● devtrace is capturing (pid 42, level minimal).')
  })
})
