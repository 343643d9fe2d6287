import {execFile} from 'node:child_process'

import type {RawInput} from './normalise.js'

/** This user's login session as logind sees it, or why that could not be learned. */
export type SessionLock = {active: boolean; known: true; locked: boolean} | {known: false; reason: string}

/** Input may be recorded: logind says the session is in the foreground of its seat and not locked. */
export function isUnlocked(lock: SessionLock): boolean {
  return lock.known && lock.active && !lock.locked
}

/** `unlocked`, `locked`, `inactive` (another session has the seat) or `unknown`, for the log. */
export function describeLock(lock: SessionLock): string {
  if (!lock.known) return 'unknown'
  if (!lock.active) return 'inactive'
  return lock.locked ? 'locked' : 'unlocked'
}

/**
 * `loginctl show-session ID -p Active -p LockedHint` prints `Active=yes` and `LockedHint=no`
 * lines (in logind's order, not ours). Both must be there and say yes or no.
 */
export function parseSessionProperties(text: string): SessionLock {
  const properties = new Map<string, string>()
  for (const line of text.split('\n')) {
    const at = line.indexOf('=')
    if (at > 0) properties.set(line.slice(0, at).trim(), line.slice(at + 1).trim())
  }

  const active = yesNo(properties.get('Active'))
  const locked = yesNo(properties.get('LockedHint'))
  if (active === undefined || locked === undefined) {
    return {known: false, reason: 'logind did not report the session\'s Active and LockedHint properties'}
  }

  return {known: true, active, locked}
}

function yesNo(value: string | undefined): boolean | undefined {
  if (value === 'yes') return true
  if (value === 'no') return false
  return undefined
}

/** How long loginctl gets to answer; a bus that hangs must not stall start or the poll. */
const LOGINCTL_TIMEOUT_MS = 3000

/**
 * Ask logind about this user's session: the one this process runs in (XDG_SESSION_ID), else the
 * user's graphical session (a daemon started by a service manager has no session of its own).
 * DEVTRACE_LOGINCTL replaces the loginctl program, for tests on machines without logind.
 */
export async function readSessionLock(env: NodeJS.ProcessEnv = process.env, uid = process.getuid?.()): Promise<SessionLock> {
  const program = env.DEVTRACE_LOGINCTL || 'loginctl'
  let session = env.XDG_SESSION_ID
  if (!session) {
    if (uid === undefined) return {known: false, reason: 'this system has no logind sessions'}
    const display = await run(program, ['show-user', String(uid), '-p', 'Display', '--value'], env)
    if ('reason' in display) return {known: false, reason: display.reason}
    session = display.stdout.trim()
    if (!session) return {known: false, reason: 'logind knows no session of this user (XDG_SESSION_ID is not set)'}
  }

  const shown = await run(program, ['show-session', session, '-p', 'Active', '-p', 'LockedHint'], env)
  return 'reason' in shown ? {known: false, reason: shown.reason} : parseSessionProperties(shown.stdout)
}

function run(program: string, args: string[], env: NodeJS.ProcessEnv): Promise<{reason: string} | {stdout: string}> {
  return new Promise(resolve => {
    execFile(program, args, {env, timeout: LOGINCTL_TIMEOUT_MS, encoding: 'utf8'}, (error, stdout, stderr) => {
      if (!error) {
        resolve({stdout})
        return
      }

      const {code, killed} = error as NodeJS.ErrnoException & {killed?: boolean}
      if (code === 'ENOENT') resolve({reason: `${program} is not installed`})
      else if (killed) resolve({reason: `${program} did not answer within ${LOGINCTL_TIMEOUT_MS / 1000} s`})
      else resolve({reason: `${program} said "${firstLine(stderr) || error.message}"`})
    })
  })
}

/** The first non-empty line, kept short: it ends up inside one sentence. */
function firstLine(text: string): string {
  const line = (text.split('\n').map(part => part.trim()).find(Boolean) ?? '').replace(/\.$/, '')
  return line.length > 160 ? `${line.slice(0, 157)}...` : line
}

/**
 * Lets input through only while this user's session is active and unlocked: the kernel's
 * devices see every keystroke on the machine, the lock screen's password and other users'
 * sessions included. A state that stops being known mid-run (logind restarting) closes the
 * gate: better a gap than a password.
 */
export class SessionLockGate {
  private open: boolean
  private dropped = 0

  constructor(
    private readonly forward: (raw: RawInput, tsMicros: number) => void,
    initial: SessionLock,
  ) {
    this.open = isUnlocked(initial)
  }

  /** Input discarded while locked, inactive or unknown. */
  get skipped(): number {
    return this.dropped
  }

  get isOpen(): boolean {
    return this.open
  }

  readonly handle = (raw: RawInput, tsMicros: number): void => {
    if (this.open) this.forward(raw, tsMicros)
    else this.dropped++
  }

  /** Returns true when this changed whether input passes. */
  update(lock: SessionLock): boolean {
    const open = isUnlocked(lock)
    const changed = open !== this.open
    this.open = open
    return changed
  }
}

/**
 * Ask logind every `intervalMs` (one request at a time) and report each answer.
 *
 * Why polling every second is safe enough: desktops set LockedHint when the lock screen is up,
 * and a password is typed there only after someone has come to the machine and woken the
 * screen, seconds later; a switch to another user's session takes a login first. What the poll
 * can still let through is at most a second of input typed into this session as it locked. The
 * other direction (unlocked, not yet seen) loses at most a second of input, which is the safe
 * side. Each poll is one loginctl process: ~18 ms of CPU here, about 2% of a core while evdev
 * captures (BENCHMARKS.md, session lock); a D-Bus PropertiesChanged monitor would cost less.
 */
export function watchSessionLock(
  read: () => Promise<SessionLock>,
  onLock: (lock: SessionLock) => void,
  intervalMs = 1000,
): {stop(): void} {
  let stopped = false
  let timer: NodeJS.Timeout | undefined
  const tick = async (): Promise<void> => {
    const lock = await read().catch((error: unknown): SessionLock => ({known: false, reason: String(error)}))
    if (stopped) return
    onLock(lock)
    timer = setTimeout(tick, intervalMs)
  }

  timer = setTimeout(tick, intervalMs)
  return {
    stop() {
      stopped = true
      clearTimeout(timer)
    },
  }
}
