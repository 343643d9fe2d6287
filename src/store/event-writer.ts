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
    const a = this.appender
    for (const e of events) {
      a.appendTimestamp(new this.Timestamp(BigInt(e.tsMicros)))
      a.appendInteger(this.sessionId)
      a.appendVarchar(e.kind)
      appendNullable(a, e.keyCode, v => a.appendInteger(v))
      appendNullable(a, e.keyClass, v => a.appendVarchar(v))
      appendNullable(a, e.x, v => a.appendInteger(v))
      appendNullable(a, e.y, v => a.appendInteger(v))
      appendNullable(a, e.button, v => a.appendTinyInt(v))
      appendNullable(a, e.wheelAmount, v => a.appendSmallInt(v))
      appendNullable(a, e.wheelDirection, v => a.appendVarchar(v))
      appendNullable(a, e.modifiers, v => a.appendVarchar(v))
      appendNullable(a, e.app, v => a.appendVarchar(v))
      // Absent in events spooled by an older version (src/store/event-spool.ts).
      appendNullable(a, e.holdMs ?? null, v => a.appendInteger(v))
      a.endRow()
    }

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

function appendNullable<T>(appender: DuckDBAppender, value: null | T, append: (value: T) => void): void {
  if (value === null) appender.appendNull()
  else append(value)
}
