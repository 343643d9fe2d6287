import type {StatePaths} from '../config/paths.js'
import type {BackendChoice, CaptureBackend} from '../core/capture-backend.js'
import type {Io} from '../core/io.js'
import type {Level} from '../core/level.js'

import {colourFor} from '../ui/colour.js'
import {capturingText, stillPausedText} from '../ui/daemon-view.js'
import {checkAppFilter} from './app-filter.js'

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
  /** `--allow-unfiltered`: start even where exclude_apps cannot be honoured (src/daemon/app-filter.ts). */
  allowUnfiltered: boolean
  /** The session it runs in, which decides whether the focused app can be known (tests pin both). */
  env?: NodeJS.ProcessEnv
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

/**
 * What the person must hear before capture starts: said once, by the `start` they ran, not again
 * by the daemon it spawns. Throws when exclude_apps cannot be honoured and --allow-unfiltered was
 * not given.
 */
export function startWarnings(options: Pick<StartOptions, 'allowUnfiltered' | 'daemonChild' | 'env' | 'excludeApps' | 'level' | 'platform'>): string[] {
  // Refused even in the spawned daemon: it is the last place that can keep exclude_apps' promise.
  const unfiltered = checkAppFilter(options)
  if (options.daemonChild) return []
  const warnings: string[] = []
  if (options.level === 'full') warnings.push('Level "full" stores exact key codes: anyone with this file can reconstruct what you typed, passwords included.')
  if (unfiltered) warnings.push(unfiltered)
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
    level: options.level, backend: options.backend, mouseHz: options.mouseHz, allowUnfiltered: options.allowUnfiltered, warn,
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
    running: true, pid: info.pid, level: info.level ?? options.level, ...(info.backend ? {backend: info.backend} : {}), already_running: alreadyRunning, warnings,
  }
}
