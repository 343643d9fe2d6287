import type {StatePaths} from '../config/paths.js'
import type {BackendChoice} from '../core/capture-backend.js'
import type {Io} from '../core/io.js'
import type {Level} from '../core/level.js'

import {backendLabel} from '../ui/daemon-view.js'
import {runDaemon} from './daemon.js'
import {reportToParent} from './handshake.js'
import {explainStartFailure, StartGuard} from './start-guard.js'

export interface ForegroundOptions {
  paths: StatePaths
  level: Level
  backend: BackendChoice
  mouseHz: number
  flushMs: number
  /** The CLI's version, which the daemon reports in its status. */
  version: string
}

/**
 * `devtrace start --foreground`: this process is the daemon until it stops. Started by
 * `devtrace start`, it reports ready (or why it could not start) to that parent; run by hand or
 * by a service manager, it says so on stdout.
 */
export async function runForeground(options: ForegroundOptions, io: Io): Promise<never> {
  const {paths, level} = options
  // A start that fails takes back what it created (pid file, socket, a new database file).
  const guard = new StartGuard(paths)
  try {
    await runDaemon(
      {
        paths, level, backend: options.backend, mouseHz: options.mouseHz, flushMs: options.flushMs, version: options.version, echoLog: !process.send,
      },
      info => {
        guard.started()
        if (!reportToParent({type: 'ready', info}) && !io.json) io.log(`devtrace is capturing in the foreground (pid ${info.pid}, level ${level}) via ${backendLabel(info.backend)}; Ctrl-C stops it.`)
      },
      guard,
    )
  } catch (error) {
    await guard.undo(error)
    const explained = explainStartFailure(error, paths) as Error & {exitCode?: number; suggestion?: string}
    reportToParent({
      type: 'error', message: explained.message, exitCode: explained.exitCode ?? 1, suggestion: explained.suggestion,
    })
    throw explained
  }

  // The hook library can keep native handles alive; the daemon is done, so leave now.
  return io.exit(0)
}
