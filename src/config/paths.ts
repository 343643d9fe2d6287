import envPaths from 'env-paths'
import {chmodSync, mkdirSync} from 'node:fs'
import path from 'node:path'

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
  mkdirSync(dir, {mode: 0o700, recursive: true})
  if (process.platform !== 'win32') chmodSync(dir, 0o700)
}
