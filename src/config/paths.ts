import envPaths from 'env-paths'
import {
  chmodSync, closeSync, mkdirSync, openSync,
} from 'node:fs'
import path from 'node:path'

import {stateFolderError} from './write-problem.js'

export interface StatePaths {
  /** The one folder that holds every piece of state. */
  home: string
  database: string
  config: string
  pidFile: string
  /** Unix domain socket path, or a named pipe on Windows. */
  socket: string
  logDir: string
  logFile: string
  demoDatabase: string
}

/**
 * Where state lives: `DEVTRACE_HOME` when set (tests and power users put everything in one
 * folder), else the platform's data folder.
 */
export function resolvePaths(env: NodeJS.ProcessEnv = process.env): StatePaths {
  const home = env.DEVTRACE_HOME ? path.resolve(env.DEVTRACE_HOME) : envPaths('devtrace', {suffix: ''}).data
  const logDir = path.join(home, 'logs')
  return {
    home,
    database: path.join(home, 'devtrace.duckdb'),
    config: path.join(home, 'config.json'),
    pidFile: path.join(home, 'daemon.pid'),
    socket: socketPath(home),
    logDir,
    logFile: path.join(logDir, 'daemon.log'),
    demoDatabase: path.join(home, 'demo', 'demo.duckdb'),
  }
}

function socketPath(home: string): string {
  if (process.platform === 'win32') {
    // Named pipes live in their own namespace; derive a stable name from the state folder.
    const tag = Buffer.from(home.toLowerCase()).toString('base64url').slice(-40)
    return String.raw`\\.\pipe\devtrace-` + tag
  }

  return path.join(home, 'daemon.sock')
}

/** Create a state folder readable by its owner only (0700), and tighten it if it already exists. */
export function ensurePrivateDir(dir: string): void {
  try {
    mkdirSync(dir, {mode: 0o700, recursive: true})
    if (process.platform !== 'win32') chmodSync(dir, 0o700)
  } catch (error) {
    throw stateFolderError(error, dir) ?? error
  }
}

/**
 * Make sure the daemon can keep its state: the folders exist with mode 0700 and the log can be
 * appended to. A read-only or full disk, or a file where the folder should be, is one clear
 * sentence, before anything is started.
 */
export function prepareStateFolder(paths: StatePaths): void {
  try {
    ensurePrivateDir(paths.home)
    ensurePrivateDir(paths.logDir)
    closeSync(openSync(paths.logFile, 'a', 0o600))
  } catch (error) {
    throw stateFolderError(error, paths.home) ?? error
  }
}
