import type {StatePaths} from '../config/paths.js'
import type {BackendChoice, CaptureBackend} from '../core/capture-backend.js'
import type {Io} from '../core/io.js'
import type {Level} from '../core/level.js'

import {colourFor} from '../ui/colour.js'
import {capturingText, stillPausedText} from '../ui/daemon-view.js'

export interface StartOptions {
  paths: StatePaths
  level: Level
  /** Where input comes from: `auto`, `hook` or `evdev` (flag, else config `backend`). */
  backend: BackendChoice
  mouseHz: number
  /** From config (`flush_ms`, `exclude_apps`): the foreground daemon needs the first, a warning the second. */
  flushMs: number
  excludeApps: readonly string[]
  /** Run the daemon in this process (`--foreground`) instead of spawning one. */
  foreground: boolean
  /** The CLI's version, which the daemon reports in its status. */
  version: string
  /** This process is the daemon `start` spawned (DEVTRACE_DAEMON_CHILD): its parent already warned. */
  daemonChild: boolean
  /** Where it runs (tests pin it); focus tracking, hence exclude_apps, works on X11 systems only. */
  platform?: NodeJS.Platform
}

export interface StartOutput {
  running: true
  pid: number
  level: Level
  /** The backend the new daemon chose; absent when one was already running. */
  backend?: CaptureBackend
  already_running: boolean
  /** What this start warned about (with --json, the only place they are said). */
  warnings: string[]
}

/** Platforms where the focused app is known (xprop on X11), so exclude_apps can work. */
const FOCUS_PLATFORMS = new Set<NodeJS.Platform>(['freebsd', 'linux', 'openbsd'])

/** What the person must hear before capture starts: said once, by the `start` they ran, not again by the daemon it spawns. */
export function startWarnings(options: Pick<StartOptions, 'daemonChild' | 'excludeApps' | 'level' | 'platform'>): string[] {
  if (options.daemonChild) return []
  const platform = options.platform ?? process.platform
  const warnings: string[] = []
  if (options.level === 'full') warnings.push('Level "full" stores exact key codes: anyone with this file can reconstruct what you typed, passwords included.')
  if (options.excludeApps.length > 0 && !FOCUS_PLATFORMS.has(platform)) {
    warnings.push(`exclude_apps is set, but devtrace cannot tell which app has focus on ${platform} yet: those apps will be recorded too. Use \`devtrace pause\` or the panic hotkey instead.`)
  }

  return warnings
}

/**
 * `devtrace start`: warn, then start the daemon in the background and return once it captures
 * (or find it already running). With --foreground this process becomes the daemon and ends
 * when it stops (see foreground.ts).
 */
export async function startRun(options: StartOptions, io: Io): Promise<StartOutput> {
  const warnings: string[] = []
  const warn = (message: string): void => {
    warnings.push(message)
    io.warn(message)
  }

  for (const warning of startWarnings(options)) warn(warning)
  if (options.foreground) {
    const {runForeground} = await import('./foreground.js')
    return runForeground(options, io)
  }

  const {startDaemon} = await import('./control.js')
  const {alreadyRunning, info} = await startDaemon(options.paths, {
    level: options.level, backend: options.backend, mouseHz: options.mouseHz, warn,
  })
  if (!io.json) {
    if (alreadyRunning) io.log(`devtrace is already running (pid ${info.pid}).`)
    else io.log(capturingText(info.pid, options.level, colourFor(), info.backend))
  }

  if (!alreadyRunning) {
    if (info.walMovedTo) warn(`An unreadable write-ahead log was moved aside to ${info.walMovedTo}.`)
    if (info.pausedUntil !== undefined && !io.json) io.log(stillPausedText(info.pausedUntil))
  }

  return {
    running: true, pid: info.pid, level: info.level ?? options.level, backend: info.backend, already_running: alreadyRunning, warnings,
  }
}
