import type {DuckDBConnection} from '@duckdb/node-api'

import type {CapturedEvent} from '../capture/event.js'
import type {DatabaseAccess} from '../store/operations.js'

import {daemonDatabaseSettings} from '../store/daemon-memory.js'
import {EventWriter} from '../store/event-writer.js'
import {closeDatabase, openDatabase, type OpenedDatabase} from '../store/open-database.js'

/**
 * The daemon's hold on the database: the open file, the one Appender that writes `events`,
 * and a way to let go of the file for a rewrite (forget, redact, retention) and take it back.
 * While offline, `append` refuses and the caller keeps events queued; nothing is lost.
 */
export class CaptureStore implements DatabaseAccess {
  private writer: EventWriter | undefined
  private writtenBefore = 0
  private busy: Promise<unknown> = Promise.resolve()

  private constructor(
    readonly file: string,
    private db: OpenedDatabase | undefined,
    private readonly sessionId: number,
  ) {}

  static async attach(file: string, db: OpenedDatabase, sessionId: number): Promise<CaptureStore> {
    const store = new CaptureStore(file, db, sessionId)
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

  /** Appended rows a failed flush has not committed yet (a full or read-only disk). */
  get uncommitted(): number {
    return this.writer?.uncommitted ?? 0
  }

  /** Hand events to the Appender (memory); false while offline, so the caller keeps them. */
  append(events: readonly CapturedEvent[]): boolean {
    if (!this.writer) return false
    this.writer.append(events)
    return true
  }

  /** Commit what was appended. */
  flush(): void {
    this.writer?.flush()
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

  /** Resolves once no rewrite is in progress. */
  async whenIdle(): Promise<void> {
    await this.busy
  }

  offline<T>(work: () => Promise<T>): Promise<T> {
    const run = async (): Promise<T> => {
      this.release()
      try {
        return await work()
      } finally {
        this.db = await openDatabase(this.file, {settings: daemonDatabaseSettings()})
        this.writer = await EventWriter.open(this.db.connection, this.sessionId)
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
