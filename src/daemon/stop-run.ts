import type {StatePaths} from '../config/paths.js'
import type {Io} from '../core/io.js'

import {stopDaemon} from './control.js'

export interface StopOutput {
  was_running: boolean
  pid: null | number
  events_session: number
}

/** `devtrace stop`: flush and stop the daemon, wait until its process is gone; not running is not an error. */
export async function stopRun(options: {paths: StatePaths}, io: Io): Promise<StopOutput> {
  const stopped = await stopDaemon(options.paths, signal => io.warn(`The daemon flushed but did not exit; sending ${signal}.`))
  if (!stopped) {
    if (!io.json) io.log('devtrace is not running.')
    return {was_running: false, pid: null, events_session: 0}
  }

  if (!io.json) io.log(`devtrace stopped (pid ${stopped.pid}); ${stopped.events_session} events recorded this session.`)
  return {was_running: true, pid: stopped.pid, events_session: stopped.events_session}
}
