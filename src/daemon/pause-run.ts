import type {StatePaths} from '../config/paths.js'
import type {Io} from '../core/io.js'

import {withBackend} from '../store/backend.js'
import {pausedText} from '../ui/daemon-view.js'

export interface PauseOptions {
  paths: StatePaths
  /** --for as typed (30s, 10m, 2h); absent pauses until `devtrace resume`. */
  for?: string
}

/** `devtrace pause`: the running daemon records nothing until resumed, or until --for has passed. */
export async function pauseRun(options: PauseOptions, io: Io): Promise<{paused: boolean; resumes_at: null | string}> {
  // A bad --for is refused before the daemon is asked anything. The parser (and its `ms`) loads
  // only when --for is given, so `resume` and a plain `pause` start as quickly as `status`.
  const forMs = options.for === undefined ? undefined : (await import('../core/duration.js')).parseDuration(options.for, '--for')
  const status = await withBackend(options.paths, backend => backend.pause(forMs))
  if (!io.json) io.log(pausedText(status.resumes_at))
  return {paused: status.paused, resumes_at: status.resumes_at}
}

/**
 * `devtrace resume`: record again now. When it was not paused, it says so and succeeds: the
 * wanted state (recording) holds either way. `was_paused` tells scripts which it was.
 */
export async function resumeRun(options: {paths: StatePaths}, io: Io): Promise<{paused: boolean; was_paused: boolean}> {
  const {status, wasPaused} = await withBackend(options.paths, async backend => {
    const before = await backend.status()
    if (before && !before.paused) return {status: before, wasPaused: false}
    // Not running: resume() says so (exit 1).
    return {status: await backend.resume(), wasPaused: true}
  })
  if (!io.json) io.log(wasPaused ? 'Recording again.' : 'devtrace is not paused: it is already recording.')
  return {paused: status.paused, was_paused: wasPaused}
}
