import {spawn} from 'node:child_process'
import {
  closeSync, openSync, readFileSync, rmSync,
} from 'node:fs'

import type {StatePaths} from '../config/paths.js'
import type {ReadyInfo} from './daemon.js'

import {ensurePrivateDir} from '../config/paths.js'
import {DevtraceError} from '../core/errors.js'
import {ExitCode, type ExitCodeValue} from '../core/exit-codes.js'

/** Messages a daemon started in the background sends its parent over the IPC channel. */
interface ReadyMessage {type: 'ready'; info: ReadyInfo}
interface FailureMessage {type: 'error'; message: string; exitCode: number; suggestion?: string}
export type HandshakeMessage = FailureMessage | ReadyMessage

const READY_TIMEOUT_MS = 20_000

/**
 * Start `devtrace start --foreground` as a detached process and wait for its handshake: it
 * reports `ready` once the hook is live, or the reason it could not start. Until then nothing
 * is "started"; on any failure the child is gone before we return.
 */
export async function spawnDaemon(paths: StatePaths, daemonArgs: string[]): Promise<ReadyInfo> {
  ensurePrivateDir(paths.logDir)
  // Native crashes (an abort in the hook library) print to stderr: keep them in the log.
  const logFd = openSync(paths.logFile, 'a', 0o600)
  const child = spawn(process.execPath, [...process.execArgv, process.argv[1], 'start', '--foreground', ...daemonArgs], {
    detached: true,
    env: {...process.env, DEVTRACE_DAEMON_CHILD: '1'},
    stdio: ['ignore', logFd, logFd, 'ipc'],
    windowsHide: true,
  })
  closeSync(logFd)

  try {
    return await new Promise<ReadyInfo>((resolve, reject) => {
      let timedOut = false
      const timer = setTimeout(() => {
        timedOut = true
        child.kill('SIGKILL')
      }, READY_TIMEOUT_MS)
      child.once('message', (message: HandshakeMessage) => {
        clearTimeout(timer)
        if (message.type === 'ready') resolve(message.info)
        else reject(new DevtraceError(message.message, {exitCode: message.exitCode as ExitCodeValue, suggestion: message.suggestion}))
      })
      child.once('exit', (code, signal) => {
        clearTimeout(timer)
        const failure = timedOut
          ? new DevtraceError(`The daemon did not report ready within ${READY_TIMEOUT_MS / 1000} s and was stopped.`, {suggestion: `See ${paths.logFile}.`})
          : exitExplanation(code, signal, paths)
        // Gone before it could clean up (killed, or a native abort): what it left (pid file,
        // socket) would name a daemon that does not exist.
        removeLeftovers(paths, child.pid).catch(() => {}).then(() => reject(failure))
      })
      child.once('error', error => {
        clearTimeout(timer)
        reject(new DevtraceError(`Could not start the daemon: ${error.message}.`))
      })
    })
  } finally {
    child.removeAllListeners()
    if (child.connected) child.disconnect()
    child.unref()
  }
}

function exitExplanation(code: null | number, signal: NodeJS.Signals | null, paths: StatePaths): DevtraceError {
  if (signal === 'SIGABRT') {
    return new DevtraceError('The input hook could not connect to the display and aborted; nothing is running.', {
      suggestion: `Check DISPLAY and X access (xhost); details in ${paths.logFile}.`,
    })
  }

  const how = signal ? `was killed by ${signal}` : `exited with code ${code}`
  return new DevtraceError(`The daemon ${how} before it was ready; nothing is running.`, {
    exitCode: ExitCode.Failure,
    suggestion: `See ${paths.logFile}.`,
  })
}

/** Remove the pid file and socket a killed daemon left, unless some other daemon answers on that socket. */
async function removeLeftovers(paths: StatePaths, pid: number | undefined): Promise<void> {
  const {runningDaemon} = await import('../store/backend.js')
  if (await runningDaemon(paths)) return
  let recorded = ''
  try {
    recorded = readFileSync(paths.pidFile, 'utf8').trim()
  } catch {
    // No pid file: it was killed before writing one.
  }

  if (recorded === '' || recorded === String(pid)) rmSync(paths.pidFile, {force: true})
  if (process.platform !== 'win32') rmSync(paths.socket, {force: true})
}
