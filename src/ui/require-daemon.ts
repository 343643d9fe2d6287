import type {StatePaths} from '../config/paths.js'

import {DevtraceError} from '../core/errors.js'
import {callDaemon} from '../ipc/client.js'

/** Call the daemon, or fail with one sentence when it is not running. */
export async function requireDaemon<T>(paths: StatePaths, method: string, params: Record<string, unknown> = {}): Promise<T> {
  const result = await callDaemon<T>(paths, method, params)
  if (result === undefined) {
    throw new DevtraceError('devtrace is not running.', {suggestion: 'Start it with `devtrace start`.'})
  }

  return result
}
