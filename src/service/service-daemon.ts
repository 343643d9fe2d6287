import type {StatePaths} from '../config/paths.js'
import type {BackendChoice} from '../core/capture-backend.js'
import type {Level} from '../core/level.js'
import type {FileChange} from './service-files.js'
import type {ServiceManager} from './service-status.js'

import {DevtraceError} from '../core/errors.js'
import {stopDaemon} from '../daemon/control.js'
import {runningDaemon} from '../store/backend.js'

export interface ServiceOptions {
  paths: StatePaths
  env?: NodeJS.ProcessEnv
}

export interface InstallOptions extends ServiceOptions {
  /** How the XDG autostart start-now runs (systemd, launchd and Task Scheduler run the unit itself). */
  daemon: {level: Level; backend: BackendChoice; mouseHz: number}
}

export interface ServiceChange {
  manager: ServiceManager
  files: FileChange[]
  /** install: session variables copied into the systemd user manager. */
  imported_environment: string[]
  /** install: a daemon started by hand, stopped (flushed) first so one runs; uninstall: the daemon stopped. */
  stopped_pid: null | number
  /** install: the daemon now running under the service. */
  pid: null | number
}

/**
 * Stop a daemon that was started by hand (not the service's own, `servicePid`), flushed as by
 * `devtrace stop`, so that once the service starts exactly one daemon runs.
 */
export async function stopHandStartedDaemon(paths: StatePaths, servicePid: null | number): Promise<null | number> {
  const running = await runningDaemon(paths)
  if (!running || running.pid === servicePid) return null
  const stopped = await stopDaemon(paths)
  return stopped?.pid ?? null
}

/** How long a service gets to start its daemon before install gives up and says where to look. */
const START_WAIT_MS = 30_000

/**
 * Wait until the daemon started by the service answers on its socket, as `devtrace start` waits
 * for ready. `failed` is asked each round, so a daemon that cannot start is reported at once.
 */
export async function waitForServiceDaemon(paths: StatePaths, failed: () => Promise<false | string>, where: string): Promise<number> {
  const deadline = Date.now() + START_WAIT_MS
  for (;;) {
    const running = await runningDaemon(paths)
    if (running) return running.pid

    const why = await failed()
    if (why || Date.now() > deadline) {
      throw new DevtraceError(`The devtrace service was installed but its daemon did not start${why ? ` (${why})` : ''}.`, {suggestion: `See ${where} and ${paths.logFile}.`})
    }

    await new Promise(resolve => {
      setTimeout(resolve, 200)
    })
  }
}

