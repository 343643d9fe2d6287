import type {BackendChoice, CaptureBackend} from '../core/capture-backend.js'
import type {Level} from '../core/level.js'
import type {InputHook} from './hook.js'
import type {RawInput} from './normalise.js'

import {DevtraceError} from '../core/errors.js'
import {assertCaptureAvailable} from './availability.js'
import {type DeviceAccess, deviceAccess} from './evdev/access.js'
import {
  describeLock, readSessionLock, type SessionLock, SessionLockGate, watchSessionLock,
} from './session-lock.js'

/** The backend a daemon will use, checked: it can capture here. */
export interface ChosenBackend {
  backend: CaptureBackend
  /** What the person must hear at start (e.g. only XWayland apps are seen). */
  warnings: string[]
  /** evdev with a session logind can describe: input passes only while it is active and unlocked. */
  lockGate: boolean
}

/** What kind of session devtrace starts in, from the variables a login sets. */
export type SessionKind = 'none' | 'wayland' | 'x11'

/**
 * Wayland when the session says so or a compositor is reachable (DISPLAY may be set too, for
 * XWayland, which sees only XWayland apps); X11 when a display is set; else a console or
 * nothing (XDG_SESSION_TYPE=tty, ssh, a service manager).
 */
export function sessionKind(env: NodeJS.ProcessEnv): SessionKind {
  if (env.XDG_SESSION_TYPE === 'wayland' || env.WAYLAND_DISPLAY) return 'wayland'
  if (env.DISPLAY || env.XDG_SESSION_TYPE === 'x11') return 'x11'
  return 'none'
}

/** The checks chooseBackend makes of the machine (tests replace them). */
export interface BackendProbes {
  /** Resolves when the hook can capture here, else throws the reason (availability.ts). */
  hook: (env: NodeJS.ProcessEnv) => Promise<void>
  devices: (env: NodeJS.ProcessEnv) => DeviceAccess
  lock: (env: NodeJS.ProcessEnv) => Promise<SessionLock>
}

const MACHINE: BackendProbes = {hook: assertCaptureAvailable, devices: deviceAccess, lock: readSessionLock}

export interface ChoiceContext {
  /** The capture level: `full` with evdev needs the lock state to be known. */
  level?: Level
  platform?: NodeJS.Platform
  probes?: Partial<BackendProbes>
}

/** The fix for unreadable devices, and its price, said wherever it is needed. */
const INPUT_GROUP_FIX = 'run `sudo usermod -aG input $USER`, then log in again (any program you run can then read all keyboard and mouse input, passwords included)'

/**
 * Decide where input comes from, and fail with one sentence naming the fix when it cannot be
 * captured here. Called by `start` before it spawns the daemon, and by the daemon itself.
 */
export async function chooseBackend(choice: BackendChoice, env: NodeJS.ProcessEnv = process.env, context: ChoiceContext = {}): Promise<ChosenBackend> {
  const platform = context.platform ?? process.platform
  const probes = {...MACHINE, ...context.probes}
  const hook = async (warnings: string[] = []): Promise<ChosenBackend> => {
    await probes.hook(env)
    return {backend: 'hook', warnings, lockGate: false}
  }

  if (choice === 'hook') return hook()
  if (platform !== 'linux') {
    if (choice === 'auto') return hook()
    throw new DevtraceError(`The evdev backend reads Linux's input devices, and this is ${platform}.`, {suggestion: 'Use --backend auto or hook.'})
  }

  const session = sessionKind(env)
  if (choice === 'auto' && session === 'x11') return hook()
  const devices = probes.devices(env)
  if (devices.readable.length === 0) {
    if (choice === 'auto' && session === 'wayland' && env.DISPLAY) {
      const fallback = await hook([xwaylandOnlyWarning(devices)]).catch(() => undefined)
      if (fallback) return fallback
    }

    throw noDevicesError(choice, session, devices, env)
  }

  const warnings: string[] = []
  if (devices.unreadable.length > 0) {
    const {eventDir, readable, unreadable} = devices
    warnings.push(`${unreadable.length} of ${readable.length + unreadable.length} input devices in ${eventDir} cannot be read (${unreadable.join(', ')}): input from them is not recorded.`)
  }

  const lock = await probes.lock(env)
  if (!lock.known) {
    if (context.level === 'full') {
      throw new DevtraceError(
        `Level full is refused with the evdev backend, because devtrace cannot tell when your session is locked (${lock.reason}) `
        + 'and the input devices see every key typed on this machine, the lock screen\'s password included.',
        {suggestion: 'Start with --level standard (no key codes), or from a login session that logind tracks.'},
      )
    }

    warnings.push(`devtrace cannot tell when your session is locked or another user's is in front (${lock.reason}), so it records all input the devices see, the lock screen included.`)
  }

  return {backend: 'evdev', warnings, lockGate: lock.known}
}

function xwaylandOnlyWarning(devices: DeviceAccess): string {
  const why = devices.unreadable.length > 0 ? `the input devices in ${devices.eventDir} cannot be read` : `there are no input devices in ${devices.eventDir}`
  const fix = devices.unreadable.length > 0 ? `; to capture all input, ${INPUT_GROUP_FIX}` : ''
  return `This is a Wayland session and ${why}, so devtrace captures through XWayland and sees only input to X11 (XWayland) apps${fix}.`
}

function noDevicesError(choice: BackendChoice, session: SessionKind, devices: DeviceAccess, env: NodeJS.ProcessEnv): DevtraceError {
  const {eventDir} = devices
  if (devices.unreadable.length > 0) {
    const why = {
      wayland: 'Wayland shows no program global input, so devtrace must read',
      none: 'Without a display devtrace must read',
      x11: 'The evdev backend must read',
    }[choice === 'evdev' ? 'x11' : session]
    return new DevtraceError(`${why} the kernel's input devices in ${eventDir}, which needs the input group: ${INPUT_GROUP_FIX}.`, {
      suggestion: session === 'none' ? undefined : 'Or log in to an X11 session and use --backend hook, which needs no extra rights.',
    })
  }

  if (choice === 'evdev') return new DevtraceError(`There are no input devices in ${eventDir} to read.`, {suggestion: 'Run devtrace on the machine whose keyboard and mouse you use.'})
  if (session === 'wayland') {
    const xAccess = env.DISPLAY ? `nothing answers at DISPLAY=${env.DISPLAY}` : 'DISPLAY is not set'
    return new DevtraceError(`This is a Wayland session without X access (${xAccess}) and there are no input devices in ${eventDir} to read instead.`, {
      suggestion: 'Run devtrace on the machine whose keyboard and mouse you use, or enable XWayland and set DISPLAY (input to XWayland apps can be captured).',
    })
  }

  return new DevtraceError(`There is no X display (DISPLAY is not set) and there are no input devices in ${eventDir}, so there is no input to capture.`, {
    suggestion: 'Run devtrace from your desktop or console session, or set DISPLAY (for example DISPLAY=:0).',
  })
}

/** Where a started backend delivers its events, and what else it needs. */
export interface CaptureSink {
  onInput: (raw: RawInput, tsMicros: number) => void
  /** An exception in the listener: logged, never thrown into native or stream callbacks. */
  onListenerError: (error: unknown) => void
  log: (line: string) => void
  env?: NodeJS.ProcessEnv
  /** Pass evdev input only while this user's session is active and unlocked (ChosenBackend.lockGate). */
  lockGate?: boolean
}

/** Start delivering input from `backend`: every backend hands over uiohook-shaped events, stamped by the daemon's clock. */
export async function startCapture(backend: CaptureBackend, sink: CaptureSink): Promise<InputHook> {
  const {onInput, onListenerError, log, env = process.env} = sink
  if (backend === 'evdev') {
    const [{startEvdevInput}, {inputPaths}] = await Promise.all([import('./evdev/evdev-input.js'), import('./evdev/input-paths.js')])
    const start = (deliver: typeof onInput): Promise<InputHook> => startEvdevInput(deliver, onListenerError, {paths: inputPaths(env), log})
    return sink.lockGate ? startGated(start, {onInput, log, env}) : start(onInput)
  }

  const {startInputHook} = await import('./hook.js')
  return startInputHook(onInput, onListenerError)
}

/**
 * Start an evdev reader behind the lock gate (exported for tests). The gate sits here, where
 * the daemon joins a backend to the recorder, so the reader stays a reader and nothing it
 * delivers while the session is locked reaches the recorder at all.
 */
export async function startGated(
  start: (deliver: CaptureSink['onInput']) => Promise<InputHook>,
  {env, log, onInput}: Required<Pick<CaptureSink, 'env' | 'log' | 'onInput'>>,
): Promise<InputHook> {
  const first = await readSessionLock(env)
  const gate = new SessionLockGate(onInput, first)
  log(`${sessionLine(first)}: input ${gate.isOpen ? 'recorded' : 'discarded until it is active and unlocked'}`)
  const watch = watchSessionLock(async () => readSessionLock(env), lock => {
    if (gate.update(lock)) log(`${sessionLine(lock)}: input ${gate.isOpen ? 'recorded again' : 'discarded'}`)
  })
  let inner: InputHook
  try {
    inner = await start(gate.handle)
  } catch (error) {
    watch.stop()
    throw error
  }

  return {
    stop() {
      watch.stop()
      inner.stop()
    },
    stats: () => ({...inner.stats?.(), skipped_while_locked: gate.skipped}),
  }
}

function sessionLine(lock: SessionLock): string {
  return `session ${describeLock(lock)}${lock.known ? '' : ` (${lock.reason})`}`
}
