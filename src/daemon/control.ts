import {existsSync, statSync} from 'node:fs'

import type {BackendChoice} from '../core/capture-backend.js'
import type {Level} from '../core/level.js'
import type {DaemonStatus, FinalStatus} from '../ipc/protocol.js'
import type {ReadyInfo} from './daemon.js'

import {prepareStateFolder, type StatePaths} from '../config/paths.js'
import {DevtraceError, errorMessage} from '../core/errors.js'
import {runningDaemon, withBackend} from '../store/backend.js'
import {readStoppedTotals, writeStoppedTotals} from '../store/stopped-totals.js'
import {waitGone} from './process-gone.js'

export interface StoppedStatus {
  running: false
  pid: null
  level: null
  paused: false
  events: number
  events_total: number
  database: string
  database_bytes: number
  note?: string
}

export type Status = (DaemonStatus & {events: number}) | StoppedStatus

/** Start in the background unless a daemon already answers; returns what happened. */
export async function startDaemon(
  paths: StatePaths,
  options: {level: Level; backend: BackendChoice; mouseHz: number; allowUnfiltered?: boolean; warn?: (message: string) => void},
): Promise<{alreadyRunning: boolean; info: Partial<ReadyInfo> & Pick<ReadyInfo, 'pid'>}> {
  const running = await runningDaemon(paths)
  if (running) return {alreadyRunning: true, info: {pid: running.pid}}
  // Say why capture is impossible here before spawning anything, and what the choice means.
  const {chooseBackend} = await import('../capture/backend.js')
  const chosen = await chooseBackend(options.backend, process.env, {level: options.level})
  for (const warning of chosen.warnings) options.warn?.(warning)
  prepareStateFolder(paths)
  const {withStartLock} = await import('./start-lock.js')
  // Several starts at once: one spawns, the rest wait for it and then find its daemon running.
  return withStartLock(paths, async () => {
    const started = await runningDaemon(paths)
    if (started) return {alreadyRunning: true, info: {pid: started.pid}}
    const {spawnDaemon} = await import('./spawn.js')
    // The daemon gets the backend chosen here, so `auto` cannot turn out differently there.
    const args = ['--level', options.level, '--backend', chosen.backend, '--mouse-hz', String(options.mouseHz)]
    const info = await spawnDaemon(paths, options.allowUnfiltered ? [...args, '--allow-unfiltered'] : args)
    return {alreadyRunning: false, info}
  })
}

/** How long a daemon that answered `stop` gets to exit before SIGTERM, and then before SIGKILL. */
const EXIT_GRACE_MS = 5000
const TERM_GRACE_MS = 3000

/**
 * Ask the daemon to flush and stop, and return only once its process is gone (so the file is
 * free and `start` works at once). Everything captured is on disk when `stop` answers; a daemon
 * that then fails to exit (stuck in native code, say) is sent SIGTERM, then SIGKILL.
 */
export async function stopDaemon(paths: StatePaths, onEscalate?: (signal: NodeJS.Signals) => void): Promise<FinalStatus | undefined> {
  const stopped = await withBackend(paths, backend => backend.stop())
  if (!stopped) return undefined
  const {pid} = stopped
  if (await waitGone(pid, EXIT_GRACE_MS)) return stopped
  for (const [signal, graceMs] of [['SIGTERM', TERM_GRACE_MS], ['SIGKILL', TERM_GRACE_MS]] as const) {
    onEscalate?.(signal)
    try {
      process.kill(pid, signal)
    } catch {
      return stopped // gone meanwhile
    }

    if (await waitGone(pid, graceMs)) return stopped
  }

  throw new DevtraceError(`The daemon (pid ${pid}) did not exit, even after SIGKILL.`, {
    suggestion: `Check it with \`ps -p ${pid}\`; the events it captured are on disk.`,
  })
}

export async function readStatus(paths: StatePaths): Promise<Status> {
  const live = await withBackend(paths, backend => backend.status())
  if (live) return {...live, events: live.events_session}
  return stoppedStatus(paths)
}

async function stoppedStatus(paths: StatePaths): Promise<StoppedStatus> {
  const base: StoppedStatus = {
    running: false,
    pid: null,
    level: null,
    paused: false,
    events: 0,
    events_total: 0,
    database: paths.database,
    database_bytes: 0,
  }
  if (!existsSync(paths.database)) return base
  base.database_bytes = statSync(paths.database).size
  // Noted by the daemon when it stopped (or by the last status that counted): no DuckDB to load.
  const noted = readStoppedTotals(paths.database)
  if (noted !== undefined) return {...base, events_total: noted}
  const {countEvents} = await import('../store/offline.js')
  try {
    base.events_total = await countEvents(paths.database)
    writeStoppedTotals(paths.database, base.events_total)
  } catch (error) {
    base.note = errorMessage(error)
  }

  return base
}
