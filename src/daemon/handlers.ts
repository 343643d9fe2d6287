import type {Recorder} from '../capture/recorder.js'
import type {CaptureBackend} from '../core/capture-backend.js'
import type {PointerPositions} from '../ipc/protocol.js'
import type {DaemonHandlers} from '../ipc/server.js'
import type {AppContext} from './app-context.js'
import type {CaptureStore} from './capture-store.js'
import type {Followers} from './followers.js'
import type {Shutdown} from './lifecycle.js'
import type {ReadRequests} from './requests.js'
import type {Writer} from './scheduler.js'
import type {DaemonOptions, DaemonStatus} from './types.js'

import {rollupBuildProgress} from '../analysis/rollup-progress.js'
import {nowMicros} from '../capture/hook.js'
import {loadOperation} from '../operations.js'
import {compactionProgress} from '../store/compaction.js'
import {fileSize} from '../store/file-size.js'

/**
 * Everything one running daemon holds that its IPC handlers use: the handlers are plain
 * functions of it, not closures inside runDaemon, so each reads (and is tested) on its own.
 */
export interface DaemonContext {
  options: DaemonOptions
  /** The session this run records into. */
  sessionId: number
  /** The capture backend chosen at start (`auto` resolved). */
  backend: CaptureBackend
  startedMicros: number
  /** Where an unreplayable write-ahead log was moved at start, if it was. */
  walMovedTo?: string
  store: CaptureStore
  recorder: Recorder
  apps: AppContext
  followers: Followers
  reads: ReadRequests
  writer: Writer
  /** Saves the pause state to disk (a restart keeps it). */
  savePause: () => void
  shutdown: Shutdown
  log: (line: string) => void
}

/**
 * The daemon's answers over its socket, one function per IPC method, each given the daemon's
 * context. `query` and `copy` are the read requests (src/daemon/requests.ts).
 */
export function daemonHandlers(context: DaemonContext): DaemonHandlers {
  return {
    ping: async () => ping(context),
    status: async () => daemonStatus(context),
    pause: async params => pause(context, params),
    resume: async () => resume(context),
    ...context.reads.handlers,
    follow: async (params, channel) => context.followers.follow(channel, Array.isArray(params.kinds) ? params.kinds.map(String) : undefined),
    stop: async () => stop(context),
    operate: async params => operate(context, params),
  }
}

export function ping(context: DaemonContext): {pid: number; version: string} {
  return {pid: process.pid, version: context.options.version}
}

export async function daemonStatus(context: DaemonContext): Promise<DaemonStatus> {
  const {
    apps, followers, options, reads, recorder, startedMicros, store, writer,
  } = context
  const total = await countEvents(context)
  const {resumesAt} = recorder
  const {database} = options.paths
  return {
    running: true,
    pid: process.pid,
    started_at: new Date(startedMicros / 1000).toISOString(),
    uptime_seconds: Math.round((nowMicros() - startedMicros) / 1e6),
    level: options.level,
    backend: context.backend,
    pointer_positions: pointerPositions(context.backend),
    capture: captureCounters(context.shutdown),
    mouse_hz: options.mouseHz,
    paused: recorder.isPaused(),
    resumes_at: resumesAt === null ? null : new Date(resumesAt).toISOString(),
    session_id: context.sessionId,
    events_session: store.rowsWritten,
    events_total: total,
    queued: recorder.queued + store.uncommitted,
    dropped: recorder.dropped,
    follow_dropped: followers.dropped,
    ignored_while_paused: recorder.ignored,
    key_repeats_skipped: recorder.repeats,
    skipped_while_locked: context.shutdown.hook?.stats?.().skipped_while_locked,
    database,
    database_bytes: fileSize(database) + fileSize(`${database}.wal`),
    last_write_error: writer.lastWriteError,
    wal_moved_to: context.walMovedTo ?? null,
    queries_running: reads.count,
    rollup_build: rollupBuildProgress(),
    compaction: compactionProgress(),
    ...apps.status(),
  }
}

export function pointerPositions(backend: CaptureBackend): PointerPositions {
  return backend === 'evdev' ? 'integrated_device_units' : 'screen_pixels'
}

/** The input backend's counters, once it has started and if it keeps any (InputHook.stats). */
function captureCounters(shutdown: Shutdown): null | Record<string, number> {
  return shutdown.hook?.stats?.() ?? null
}

export async function pause(context: DaemonContext, params: Record<string, unknown>): Promise<DaemonStatus> {
  const forMs = typeof params.forMs === 'number' && params.forMs > 0 ? params.forMs : undefined
  context.recorder.pause(forMs === undefined ? undefined : Date.now() + forMs)
  context.savePause() // on disk before the reply
  context.log(forMs === undefined ? 'paused' : `paused for ${forMs} ms`)
  return daemonStatus(context)
}

export async function resume(context: DaemonContext): Promise<DaemonStatus> {
  context.recorder.resume()
  context.savePause()
  context.log('resumed')
  return daemonStatus(context)
}

/** Stop capturing and answer with the final counts; the socket closes just after the reply. */
export async function stop(context: DaemonContext): Promise<Omit<DaemonStatus, 'running'> & {running: false}> {
  const before = await daemonStatus(context)
  await context.shutdown.stop('stop requested')
  setImmediate(() => context.shutdown.finish())
  return {...before, running: false, events_session: context.store.rowsWritten}
}

/** Changes to the data (export, redact, forget, …) run here, where the file is held. */
export async function operate(context: DaemonContext, params: Record<string, unknown>): Promise<unknown> {
  // An unknown name is refused here; the operation checks its own params against its schema.
  const operation = await loadOperation(params.name)
  // Everything captured before the request is committed first: an export includes it, and a
  // forget or redact of a range ending now covers it (rather than it landing after the rewrite).
  context.writer.flush()
  const result = await operation.run(context.store, params.params)
  // Whatever was captured while the file was offline is written now.
  context.writer.flush()
  return result
}

async function countEvents({store}: DaemonContext): Promise<number> {
  const connection = await store.connect()
  try {
    const reader = await connection.runAndReadAll('SELECT count(*) AS n FROM events')
    return Number(reader.getRowObjects()[0].n)
  } finally {
    connection.closeSync()
  }
}

