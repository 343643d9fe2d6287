import type {DuckDBAppender, DuckDBConnection} from '@duckdb/node-api'

import type {CapturedEvent} from '../capture/event.js'

type TimestampClass = typeof import('@duckdb/node-api').DuckDBTimestampValue

/**
 * The only code that writes new events (into `events_live`, src/store/schema.ts): one long-lived Appender. `append` only buffers inside
 * DuckDB; `flush` commits what was appended, so a crash loses at most what came since the
 * last flush. Column order follows the `events_live` table in schema.ts.
 */
export class EventWriter {
  private pending = 0
  private written = 0

  private constructor(
    private readonly appender: DuckDBAppender,
    private readonly sessionId: number,
    private readonly Timestamp: TimestampClass,
  ) {}

  static async open(connection: DuckDBConnection, sessionId: number): Promise<EventWriter> {
    const {DuckDBTimestampValue} = await import('@duckdb/node-api')
    const appender = await connection.createAppender('events_live')
    return new EventWriter(appender, sessionId, DuckDBTimestampValue)
  }

  /** Rows appended but not yet committed (they survive a failed flush and go in with the next). */
  get uncommitted(): number {
    return this.pending
  }

  /** Rows committed to the database by this writer. */
  get rowsWritten(): number {
    return this.written
  }

  append(events: readonly CapturedEvent[]): void {
    for (const e of events) appendEventRow(this.appender, e, this.sessionId, this.Timestamp)
    this.pending += events.length
  }

  /** Commit everything appended so far. */
  flush(): number {
    if (this.pending === 0) return 0
    this.appender.flushSync()
    const flushed = this.pending
    this.written += flushed
    this.pending = 0
    return flushed
  }

  close(): void {
    this.flush()
    this.appender.closeSync()
  }
}

/**
 * One row of `events`, in the table's column order. The null checks are written out rather than
 * passed a closure per column: this runs for every event, and eleven closures a row were
 * young-generation garbage under a pointer stream. Also bench/ingest's bare Appender baseline.
 */
export function appendEventRow(a: DuckDBAppender, e: CapturedEvent, sessionId: number, Timestamp: TimestampClass): void {
  a.appendTimestamp(new Timestamp(BigInt(e.tsMicros)))
  a.appendInteger(sessionId)
  a.appendVarchar(e.kind)
  if (e.keyCode === null) a.appendNull()
  else a.appendInteger(e.keyCode)
  if (e.keyClass === null) a.appendNull()
  else a.appendVarchar(e.keyClass)
  if (e.x === null) a.appendNull()
  else a.appendInteger(e.x)
  if (e.y === null) a.appendNull()
  else a.appendInteger(e.y)
  if (e.button === null) a.appendNull()
  else a.appendTinyInt(e.button)
  if (e.wheelAmount === null) a.appendNull()
  else a.appendSmallInt(e.wheelAmount)
  if (e.wheelDirection === null) a.appendNull()
  else a.appendVarchar(e.wheelDirection)
  if (e.modifiers === null) a.appendNull()
  else a.appendVarchar(e.modifiers)
  if (e.app === null) a.appendNull()
  else a.appendVarchar(e.app)
  // Absent (undefined) in events spooled by an older version (src/store/event-spool.ts).
  if (e.holdMs === null || e.holdMs === undefined) a.appendNull()
  else a.appendInteger(e.holdMs)
  a.endRow()
}
