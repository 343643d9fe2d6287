import {existsSync, readFileSync} from 'node:fs'

import type {StatePaths} from '../config/paths.js'

import {type DaemonPresence, probeDaemon} from '../store/backend.js'
import {
  type Check, fail, ok, shellQuote, warn,
} from './check.js'

/** How long the socket gets to accept, and then to answer a ping. */
export const DAEMON_TIMEOUT_MS = 2000

/**
 * Whether a daemon answers on its socket (a ping, bounded: a peer that accepts and never answers
 * is a line of its own, not a hung doctor). Liveness is judged by the socket, never by the pid
 * file: a pid file without a daemon behind it is stale, a warn with its fix.
 */
export async function checkDaemon(paths: StatePaths, version: string, timeoutMs = DAEMON_TIMEOUT_MS): Promise<{check: Check; presence: DaemonPresence}> {
  const name = 'daemon'
  const presence = await probeDaemon(paths, timeoutMs)
  const recorded = readPid(paths.pidFile)
  switch (presence.state) {
  case 'answering': {
    if (presence.version !== version) {
      const detail = `Running (pid ${presence.pid}) and answering, but it is devtrace ${presence.version} and this is ${version}.`
      return {presence, check: warn(name, detail, 'Restart it to run this version: `devtrace stop && devtrace start`.')}
    }

    return {presence, check: ok(name, `Running (pid ${presence.pid}) and answering on ${paths.socket}.`)}
  }

  case 'silent': {
    const pid = recorded ? ` (pid file: ${recorded})` : ''
    const fix = `If it is a hung devtrace daemon, end it (\`kill ${recorded ?? 'PID'}\`, then \`kill -9\` if it stays), then \`devtrace start\`.`
    return {presence, check: fail(name, `Something listens on ${paths.socket}${pid}, but ${presence.reason}.`, fix)}
  }

  default: {
    if (recorded) {
      const detail = `Not running, but ${paths.pidFile} names pid ${recorded}: a daemon that ended without cleaning up.`
      return {presence, check: warn(name, detail, `\`devtrace start\` replaces it; or remove it: rm ${shellQuote(paths.pidFile)}`)}
    }

    return {presence, check: warn(name, 'Not running: nothing is being captured.', 'Start it with `devtrace start` (or at every login: `devtrace service install`).')}
  }
  }
}

function readPid(file: string): string | undefined {
  if (!existsSync(file)) return undefined
  try {
    return readFileSync(file, 'utf8').trim() || undefined
  } catch {
    return undefined
  }
}
