import {
  chmodSync, existsSync, statSync, unlinkSync, writeFileSync,
} from 'node:fs'

import type {InputHook} from '../capture/hook.js'
import type {StatePaths} from '../config/paths.js'
import type {Level} from '../core/level.js'
import type {DaemonStatus} from '../ipc/protocol.js'
import type {DaemonHandlers} from '../ipc/server.js'
import type {StartGuard} from './start-guard.js'

import {assertCaptureAvailable} from '../capture/availability.js'
import {nowMicros, startInputHook} from '../capture/hook.js'
import {Recorder} from '../capture/recorder.js'
import {loadConfig} from '../config/config.js'
import {prepareStateFolder} from '../config/paths.js'
import {DevtraceError, errorMessage} from '../core/errors.js'
import {callDaemon} from '../ipc/client.js'
import {listen} from '../ipc/server.js'
import {loadOperation} from '../operations.js'
import {daemonDatabaseSettings} from '../store/daemon-memory.js'
import {replaySpoolLogged} from '../store/event-spool.js'
import {removeLeftovers} from '../store/leftovers.js'
import {DatabaseLockedError, openDatabase} from '../store/open-database.js'
import {migrate} from '../store/schema.js'
import {AppContext} from './app-context.js'
import {CaptureStore} from './capture-store.js'
import {Followers} from './followers.js'
import {DaemonLog} from './log.js'
import {keepPauseAcrossRestarts, pausedUntil} from './pause-state.js'
import {ReadRequests} from './requests.js'
import {enforceRetention, RETENTION_EVERY_MS, RETENTION_FIRST_CHECK_MS} from './retention.js'
import {beginSession, closeOrphanSessions, endSession} from './session.js'

export interface DaemonOptions {
  paths: StatePaths
  level: Level
  mouseHz: number
  flushMs: number
  version: string
  /** Also echo the log to stderr (a service manager collects it). */
  echoLog: boolean
}

export interface ReadyInfo {
  pid: number
  level: Level
  sessionId: number
  walMovedTo?: string
  /** When the daemon starts paused (a pause saved before a restart): until when, or null until resumed. */
  pausedUntil?: null | string
}

export type {DaemonStatus} from '../ipc/protocol.js'

/** One queue slot per event; 200k events is minutes of the fastest input, a few tens of MB at most. */
const QUEUE_CAPACITY = 200_000
const FOLLOW_TICK_MS = 100
const CHECKPOINT_EVERY_MS = 5 * 60 * 1000
/** How long `stop` waits for interrupted queries to give their connections back. */
const QUERY_STOP_GRACE_MS = 2000

export class AlreadyRunningError extends DevtraceError {
  constructor(readonly pid: number) {
    super(`devtrace is already running (pid ${pid}).`)
    this.name = 'AlreadyRunningError'
  }
}

/**
 * The capture daemon: owns the database for as long as it runs (DuckDB lets no other process
 * open the file meanwhile), records input, and answers the CLI over its socket. Resolves once
 * the daemon has stopped and everything buffered is on disk.
 */
export async function runDaemon(options: DaemonOptions, onReady: (info: ReadyInfo) => void, guard?: StartGuard): Promise<void> {
  const {paths} = options
  prepareStateFolder(paths)
  const log = new DaemonLog(paths.logFile, options.echoLog)

  await assertCaptureAvailable()

  // The database lock is the daemon lock: only one process can hold it, and the OS releases
  // it when that process dies, so a crash never leaves a stale lock behind.
  let db
  guard?.opens()
  try {
    db = await openDatabase(paths.database, {settings: daemonDatabaseSettings()})
  } catch (error) {
    if (error instanceof DatabaseLockedError) {
      const other = await callDaemon(paths, 'ping')
      if (other) throw new AlreadyRunningError(other.pid)
    }

    throw error
  }

  guard?.holds(db)
  if (db.walMovedTo) log.write(`write-ahead log could not be replayed; moved aside to ${db.walMovedTo}`)
  removeLeftovers(paths.database, line => log.write(line))
  if (process.platform !== 'win32') chmodSync(paths.database, 0o600)
  await migrate(db.connection, paths.database)
  // Events a crash left in the spool (captured during a rewrite) go in before their session is closed.
  await replaySpoolLogged(db.connection, paths.database, line => log.write(line))
  await closeOrphanSessions(db.connection)
  const startedMicros = nowMicros()
  const sessionId = await beginSession(db.connection, options.level, options.version, startedMicros)
  const store = await CaptureStore.attach(paths.database, db, sessionId, line => log.write(line))
  const {walMovedTo} = db
  const reads = new ReadRequests(store)
  const recorder = new Recorder({level: options.level, mouseHz: options.mouseHz, queueCapacity: QUEUE_CAPACITY})
  // Focused app, exclude_apps, window titles and the panic hotkey; follows config.json live.
  const apps = new AppContext({
    recorder, level: options.level, paths, sessionId, log: line => log.write(line),
  })
  let lastWriteError: null | string = null
  let writeFailures = 0

  // A pause outlives the daemon: restarted after a crash or by a service manager, it still holds.
  const pause = keepPauseAcrossRestarts(recorder, paths, line => log.write(line))

  // Move captured events into the Appender (memory only; during a rewrite the store holds them
  // for its spool) and on to any --follow clients.
  const collect = (): void => {
    // While writes fail (disk full, read-only folder) the store keeps what it holds and commits
    // it once writing works again; past the bound, new events wait in (and drop from) the queue.
    if (store.uncommitted >= QUEUE_CAPACITY) return
    const events = recorder.drain()
    if (events.length === 0) return
    store.append(events)
    followers.publish(events)
  }

  // Commit: after this, a crash cannot lose these events.
  const flush = (): void => {
    try {
      collect()
      store.flush()
      apps.writeWindows(store)
      if (lastWriteError !== null) log.write(`writing works again; ${writeFailures} flushes had failed, nothing was lost`)
      lastWriteError = null
      writeFailures = 0
    } catch (error) {
      const message = errorMessage(error)
      // One log line per distinct problem, not one per flush interval on a disk that is full.
      if (message !== lastWriteError) log.write(`write failed (events are kept in memory and retried): ${message}`)
      lastWriteError = message
      writeFailures++
    }
  }

  // While someone follows, hand events on every 100 ms rather than once per flush interval.
  let followTimer: NodeJS.Timeout | undefined
  const followers = new Followers(sessionId, active => {
    clearInterval(followTimer)
    followTimer = active ? setInterval(collect, FOLLOW_TICK_MS) : undefined
  })

  const flushTimer = setInterval(flush, options.flushMs)
  const checkpointTimer = setInterval(() => {
    if (!store.isOnline) return
    // Keep the metrics rollup (src/analysis/rollup.ts) a few minutes behind capture, then checkpoint.
    loadOperation('rollup-refresh')
    .then(refresh => refresh.run(store, {}))
    .catch((error: unknown) => log.write(`rollup refresh skipped: ${errorMessage(error)}`))
    .finally(() => {
      if (store.isOnline) store.connection.run('CHECKPOINT').catch((error: unknown) => log.write(`checkpoint skipped: ${errorMessage(error)}`))
    })
  }, CHECKPOINT_EVERY_MS)

  // Data older than retention_days is forgotten for good, with the same rewrite as `forget`.
  const retain = (): void => {
    let days: number
    try {
      days = loadConfig(paths.config).retention_days
    } catch {
      return // a broken config.json keeps data rather than guessing
    }

    enforceRetention(store, days).then(
      result => {
        if (!result) return
        flush() // what was captured during the rewrite
        log.write(`retention: removed ${result.removed} events older than ${result.cutoff} (retention_days ${days})`)
      },
      (error: unknown) => log.write(`retention skipped: ${errorMessage(error)}`),
    )
  }

  const retentionFirst = setTimeout(retain, RETENTION_FIRST_CHECK_MS)
  const retentionTimer = setInterval(retain, RETENTION_EVERY_MS)

  const countEvents = async (): Promise<number> => {
    const connection = await store.connect()
    try {
      const reader = await connection.runAndReadAll('SELECT count(*) AS n FROM events')
      return Number(reader.getRowObjects()[0].n)
    } finally {
      connection.closeSync()
    }
  }

  const status = async (): Promise<DaemonStatus> => {
    const total = await countEvents()
    const {resumesAt} = recorder
    return {
      running: true,
      pid: process.pid,
      started_at: new Date(startedMicros / 1000).toISOString(),
      uptime_seconds: Math.round((nowMicros() - startedMicros) / 1e6),
      level: options.level,
      mouse_hz: options.mouseHz,
      paused: recorder.isPaused(),
      resumes_at: resumesAt === null ? null : new Date(resumesAt).toISOString(),
      session_id: sessionId,
      events_session: store.rowsWritten,
      events_total: total,
      queued: recorder.queued + store.uncommitted,
      dropped: recorder.dropped,
      follow_dropped: followers.dropped,
      ignored_while_paused: recorder.ignored,
      database: paths.database,
      database_bytes: fileSize(paths.database) + fileSize(`${paths.database}.wal`),
      last_write_error: lastWriteError,
      wal_moved_to: walMovedTo ?? null,
      queries_running: reads.count,
      ...apps.status(),
    }
  }

  const capture: {hook?: InputHook} = {}
  let stopping: Promise<void> | undefined
  let finished!: () => void
  const done = new Promise<void>(resolve => {
    finished = resolve
  })

  // Stop capturing and make everything durable; the socket closes last so clients that see it
  // gone know the file is free.
  const stopCapture = (reason: string): Promise<void> => {
    stopping ??= (async () => {
      log.write(`stopping (${reason})`)
      // A running query would hold the file past our exit (and a core with it): interrupt first.
      await reads.stopAll(QUERY_STOP_GRACE_MS)
      clearInterval(flushTimer)
      clearInterval(checkpointTimer)
      clearTimeout(retentionFirst)
      clearInterval(retentionTimer)
      clearInterval(followTimer)
      try {
        capture.hook?.stop()
      } catch (error) {
        log.write(`hook stop failed: ${errorMessage(error)}`)
      }

      await apps.stop()

      flush()
      await followers.endAll()
      try {
        await store.whenIdle() // a rewrite in progress finishes first
        flush()
        await apps.writeAllWindows(store)
        await endSession(store.connection, sessionId, nowMicros())
        await store.connection.run('CHECKPOINT')
      } catch (error) {
        log.write(`final write failed: ${errorMessage(error)}`)
      }

      store.close()
      log.write(`stopped; ${store.rowsWritten} events this session`)
    })()
    return stopping
  }

  const finish = async (): Promise<void> => {
    await server.close()
    removeQuietly(paths.pidFile)
    removeQuietly(paths.socket)
    finished()
  }

  const handlers: DaemonHandlers = {
    ping: async () => ({pid: process.pid, version: options.version}),
    status,
    async pause(params) {
      const forMs = typeof params.forMs === 'number' && params.forMs > 0 ? params.forMs : undefined
      recorder.pause(forMs === undefined ? undefined : Date.now() + forMs)
      pause.save() // on disk before the reply
      log.write(forMs === undefined ? 'paused' : `paused for ${forMs} ms`)
      return status()
    },
    async resume() {
      recorder.resume()
      pause.save()
      log.write('resumed')
      return status()
    },
    ...reads.handlers,
    async follow(params, channel) {
      const kinds = Array.isArray(params.kinds) ? params.kinds.map(String) : undefined
      await followers.follow(channel, kinds)
    },
    async stop() {
      const before = await status()
      await stopCapture('stop requested')
      setImmediate(finish)
      return {...before, running: false, events_session: store.rowsWritten}
    },
    // Changes to the data (export, redact, forget, …) run here, where the file is held.
    async operate(params) {
      const operation = await loadOperation(params.name)
      // Everything captured before the request is committed first: an export includes it, and a
      // forget or redact of a range ending now covers it (rather than it landing after the rewrite).
      flush()
      const result = await operation.run(store, params.params)
      // Whatever was captured while the file was offline is written now.
      flush()
      return result
    },
  }

  const server = await listen(paths.socket, handlers, line => log.write(line))
  guard?.listening(server)
  writeFileSync(paths.pidFile, `${process.pid}\n`, {mode: 0o600})

  const onSignal = (signal: NodeJS.Signals): void => {
    stopCapture(signal).then(finish, (error: unknown) => log.write(`shutdown failed: ${errorMessage(error)}`))
  }

  process.once('SIGTERM', onSignal)
  process.once('SIGINT', onSignal)
  process.once('SIGHUP', onSignal)

  apps.start()
  capture.hook = await startInputHook(
    (raw, ts) => recorder.handle(raw, ts),
    error => log.write(`input listener error: ${errorMessage(error)}`),
  )
  log.write(`capturing (pid ${process.pid}, level ${options.level}, session ${sessionId})`)
  onReady({
    pid: process.pid, level: options.level, sessionId, walMovedTo: db.walMovedTo, pausedUntil: pausedUntil(pause.restored),
  })
  await done
}

function fileSize(file: string): number {
  try {
    return statSync(file).size
  } catch {
    return 0
  }
}

function removeQuietly(file: string): void {
  try {
    if (existsSync(file)) unlinkSync(file)
  } catch {
    // Already gone, or on Windows a pipe that needs no cleanup.
  }
}
