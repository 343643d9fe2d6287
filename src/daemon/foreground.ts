import type {Io} from '../core/io.js'
import type {DaemonOptions} from './types.js'

import {backendLabel} from '../ui/daemon-view.js'
import {runDaemon} from './daemon.js'
import {reportToParent} from './handshake.js'
import {explainStartFailure, StartGuard} from './start-guard.js'

/** What the daemon needs from the command line; whether it echoes its log is decided here. */
export type ForegroundOptions = Omit<DaemonOptions, 'echoLog'>

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
        ...options, echoLog: !process.send,
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
