import {
  chmodSync, existsSync, unlinkSync, writeFileSync,
} from 'node:fs'

import type {InputHook} from '../capture/hook.js'
import type {StatePaths} from '../config/paths.js'
import type {ControlServer} from '../ipc/server.js'
import type {OpenedDatabase} from '../store/open-database.js'
import type {AppContext} from './app-context.js'
import type {CaptureStore} from './capture-store.js'
import type {Followers} from './followers.js'
import type {ReadRequests} from './requests.js'
import type {Scheduler, Writer} from './scheduler.js'
import type {StartGuard} from './start-guard.js'

import {nowMicros} from '../capture/hook.js'
import {DevtraceError, errorMessage} from '../core/errors.js'
import {runningDaemon} from '../store/backend.js'
import {daemonDatabaseSettings} from '../store/daemon-memory.js'
import {replaySpoolLogged} from '../store/event-spool.js'
import {removeLeftovers} from '../store/leftovers.js'
import {countAllEvents} from '../store/offline.js'
import {DatabaseLockedError, openDatabase} from '../store/open-database.js'
import {migrate} from '../store/schema.js'
import {writeStoppedTotals} from '../store/stopped-totals.js'
import {closeOrphanSessions, endSession} from './session.js'

/** How long `stop` waits for interrupted queries to give their connections back. */
const QUERY_STOP_GRACE_MS = 2000

export class AlreadyRunningError extends DevtraceError {
  constructor(readonly pid: number) {
    super(`devtrace is already running (pid ${pid}).`)
    this.name = 'AlreadyRunningError'
  }
}

/**
 * Take the database and make it ready to record into. The database lock is the daemon lock:
 * only one process can hold it, and the OS releases it when that process dies, so a crash never
 * leaves a stale lock behind. Events a crash left in the spool go in before its session is closed.
 */
export async function claimDatabase(paths: StatePaths, log: (line: string) => void, guard?: StartGuard): Promise<OpenedDatabase> {
  let db
  guard?.opens()
  try {
    db = await openDatabase(paths.database, {settings: daemonDatabaseSettings()})
  } catch (error) {
    if (error instanceof DatabaseLockedError) {
      const other = await runningDaemon(paths)
      if (other) throw new AlreadyRunningError(other.pid)
    }

    throw error
  }

  guard?.holds(db)
  if (db.walMovedTo) log(`write-ahead log could not be replayed; moved aside to ${db.walMovedTo}`)
  removeLeftovers(paths.database, log)
  if (process.platform !== 'win32') chmodSync(paths.database, 0o600)
  await migrate(db.connection, paths.database)
  await replaySpoolLogged(db.connection, paths.database, log)
  await closeOrphanSessions(db.connection)
  return db
}

/** Written once the socket listens: `devtrace status` and service managers read it. */
export function writePidFile(paths: StatePaths): void {
  writeFileSync(paths.pidFile, `${process.pid}\n`, {mode: 0o600})
}

interface ShutdownParts {
  paths: StatePaths
  sessionId: number
  store: CaptureStore
  apps: AppContext
  followers: Followers
  reads: ReadRequests
  scheduler: Scheduler
  writer: Writer
  log: (line: string) => void
}

/**
 * The way out, whatever asked for it (`stop`, a signal): stop capturing and make everything
 * durable (`stop`), then close the socket and remove the pid and socket files (`finish`). The
 * socket closes last so clients that see it gone know the file is free.
 */
export class Shutdown {
  /** Set once listening / capturing; shutdown closes what exists by then. */
  server: ControlServer | undefined
  hook: InputHook | undefined
  /** Resolves once the daemon has finished. */
  readonly done: Promise<void>
  private stopping: Promise<void> | undefined
  private finished!: () => void

  constructor(private readonly parts: ShutdownParts) {
    this.done = new Promise(resolve => {
      this.finished = resolve
    })
  }

  /** Stop capturing and write everything; the same promise for every caller. */
  stop(reason: string): Promise<void> {
    this.stopping ??= this.stopCapture(reason)
    return this.stopping
  }

  async finish(): Promise<void> {
    await this.server?.close()
    removeQuietly(this.parts.paths.pidFile)
    removeQuietly(this.parts.paths.socket)
    this.finished()
  }

  /** SIGTERM, SIGINT and SIGHUP stop the daemon as `devtrace stop` does. */
  stopOnSignals(): void {
    const onSignal = (signal: NodeJS.Signals): void => {
      this.stop(signal).then(() => this.finish(), (error: unknown) => this.parts.log(`shutdown failed: ${errorMessage(error)}`))
    }

    process.once('SIGTERM', onSignal)
    process.once('SIGINT', onSignal)
    process.once('SIGHUP', onSignal)
  }

  private async stopCapture(reason: string): Promise<void> {
    const {
      apps, followers, log, reads, scheduler, sessionId, store, writer,
    } = this.parts
    log(`stopping (${reason})`)
    // A running query would hold the file past our exit (and a core with it): interrupt first.
    await reads.stopAll(QUERY_STOP_GRACE_MS)
    scheduler.stop()
    try {
      this.hook?.stop()
    } catch (error) {
      log(`hook stop failed: ${errorMessage(error)}`)
    }

    await apps.stop()

    let total: number | undefined
    writer.flush()
    await followers.endAll()
    try {
      await store.whenIdle() // a rewrite in progress finishes first
      writer.flush()
      await apps.writeAllWindows(store)
      await endSession(store.connection, sessionId, nowMicros())
      await store.connection.run('CHECKPOINT')
      total = await countAllEvents(store.connection)
    } catch (error) {
      log(`final write failed: ${errorMessage(error)}`)
    }

    store.close()
    // So that `status` can say the total without opening the file (src/store/stopped-totals.ts).
    if (total !== undefined) writeStoppedTotals(this.parts.paths.database, total)
    log(`stopped; ${store.rowsWritten} events this session`)
  }
}

function removeQuietly(file: string): void {
  try {
    if (existsSync(file)) unlinkSync(file)
  } catch {
    // Already gone, or on Windows a pipe that needs no cleanup.
  }
}
