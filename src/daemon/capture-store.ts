import type {DuckDBConnection} from '@duckdb/node-api'

import {setTimeout as sleep} from 'node:timers/promises'

import type {CapturedEvent} from '../capture/event.js'
import type {DatabaseAccess} from '../store/database-access.js'

import {daemonDatabaseSettings} from '../store/daemon-memory.js'
import {EventSpool, replaySpoolLogged, spoolPath} from '../store/event-spool.js'
import {EventWriter} from '../store/event-writer.js'
import {closeDatabase, openDatabase, type OpenedDatabase} from '../store/open-database.js'
import {YieldedToRewriteError} from '../store/yielded-to-rewrite.js'

/** How often a rewrite repeats its interrupt of background work that has not ended yet. */
const HOLD_INTERRUPT_MS = 20

/** Background work running through CaptureStore.online. */
interface Hold {
  connection: DuckDBConnection | undefined
  /** A rewrite asked it to stop: its failure is reported as YieldedToRewriteError. */
  stopped: boolean
  ended: Promise<void>
}

/**
 * The daemon's hold on the database: the open file, the one Appender that writes `events`,
 * and a way to let go of the file for a rewrite (forget, redact, retention) and take it back.
 * While offline, flushed events go to the spool beside the file (store/event-spool.ts) and are
 * written into `events` once it is back, so a crash during a rewrite loses no more than one
 * flush interval either.
 */
export class CaptureStore implements DatabaseAccess {
  private writer: EventWriter | undefined
  private writtenBefore = 0
  private busy: Promise<unknown> = Promise.resolve()
  /** Appended while offline and not in the spool yet (the next flush puts them there). */
  private held: CapturedEvent[] = []
  /** Work running through online(): a rewrite stops it before it takes the file away. */
  private readonly holds = new Set<Hold>()
  private stopping = false
  private readonly spool: EventSpool

  private constructor(
    readonly file: string,
    private db: OpenedDatabase | undefined,
    private readonly sessionId: number,
    private readonly log: (line: string) => void,
  ) {
    this.spool = new EventSpool(spoolPath(file), sessionId)
  }

  static async attach(file: string, db: OpenedDatabase, sessionId: number, log: (line: string) => void): Promise<CaptureStore> {
    const store = new CaptureStore(file, db, sessionId, log)
    store.writer = await EventWriter.open(db.connection, sessionId)
    return store
  }

  get isOnline(): boolean {
    return this.writer !== undefined
  }

  /** Events committed by this daemon run, across reopenings. */
  get rowsWritten(): number {
    return this.writtenBefore + (this.writer?.rowsWritten ?? 0)
  }

  /** Appended rows not yet on disk: a failed flush (a full or read-only disk), or offline and not spooled. */
  get uncommitted(): number {
    return (this.writer?.uncommitted ?? 0) + this.held.length
  }

  /** Hand events to the Appender (memory), or while offline hold them for the spool. */
  append(events: readonly CapturedEvent[]): void {
    if (this.writer) this.writer.append(events)
    else this.held.push(...events)
  }

  /** Commit what was appended: to the database, or while it is offline to the spool. */
  flush(): void {
    if (this.writer) {
      this.writer.flush()
      return
    }

    this.spool.append(this.held) // throws on a full disk: the events stay held
    this.held = []
  }

  /** The main connection, for the daemon's own bookkeeping (sessions, checkpoint). */
  get connection(): DuckDBConnection {
    if (!this.db) throw new Error('the database is offline')
    return this.db.connection
  }

  async connect(): Promise<DuckDBConnection> {
    // An operation in progress may have the file closed; wait for it.
    await this.busy
    if (!this.db) throw new Error('the database is offline')
    return this.db.instance.connect()
  }

  /** Resolves once no rewrite, and no background work through online(), is in progress (stopping it). */
  async whenIdle(): Promise<void> {
    await this.busy
    // The daemon is stopping: no new background work (what it stops must not start again).
    this.stopping = true
    await this.stopHolds()
  }

  online<T>(work: (connection: DuckDBConnection) => Promise<T>): Promise<T> {
    // Registered in the same turn as the wait for `busy` ends, so a rewrite queued before this
    // runs first, and one queued after it sees this work and stops it.
    return this.busy.then(() => {
      if (!this.db || this.stopping) throw new Error('the database is offline')
      const {instance} = this.db
      const hold: Hold = {connection: undefined, stopped: false, ended: Promise.resolve()}
      const running = (async () => {
        const connection = await instance.connect()
        hold.connection = connection
        try {
          if (hold.stopped) throw new YieldedToRewriteError()
          return await work(connection)
        } catch (error) {
          throw hold.stopped ? new YieldedToRewriteError({cause: error}) : error
        } finally {
          connection.closeSync()
        }
      })()
      hold.ended = running.then(() => {}, () => {})
      this.holds.add(hold)
      hold.ended.then(() => this.holds.delete(hold))
      return running
    })
  }

  /**
   * Interrupt what runs through online() and wait for it to end: its transaction is rolled back
   * (or had just committed), never half in the file. Interrupted again until it ends, since an
   * interrupt that comes between two statements is lost.
   */
  private async stopHolds(): Promise<void> {
    while (this.holds.size > 0) {
      for (const hold of this.holds) {
        hold.stopped = true
        hold.connection?.interrupt()
      }

      await Promise.race([Promise.allSettled([...this.holds].map(hold => hold.ended)), sleep(HOLD_INTERRUPT_MS)])
    }
  }

  offline<T>(work: () => Promise<T>): Promise<T> {
    const run = async (): Promise<T> => {
      // A rollup chunk in progress is stopped first (its work is rolled back and done again after
      // the rewrite): a rewrite never waits for the rollup, and never interleaves with it.
      await this.stopHolds()
      this.release()
      try {
        return await work()
      } finally {
        this.db = await openDatabase(this.file, {settings: daemonDatabaseSettings()})
        // Before the Appender: the spool holds the oldest of what was captured meanwhile.
        this.writtenBefore += await replaySpoolLogged(this.db.connection, this.file, this.log)
        this.writer = await EventWriter.open(this.db.connection, this.sessionId)
        this.writer.append(this.held)
        this.held = []
      }
    }

    const result = this.busy.then(run, run)
    this.busy = result.catch(() => {})
    return result
  }

  /** Commit, close the Appender and the file. */
  close(): void {
    this.release()
  }

  private release(): void {
    if (this.writer) {
      this.writer.close()
      this.writtenBefore += this.writer.rowsWritten
      this.writer = undefined
    }

    if (this.db) {
      closeDatabase(this.db)
      this.db = undefined
    }
  }
}
