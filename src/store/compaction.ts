import type {DuckDBConnection} from '@duckdb/node-api'

/**
 * Compaction: past days of `events_live` (the wide table the Appender writes, µs stamps) moved into
 * the narrow tables of migration 7 (schema.ts), at 1 ms:
 *
 * - `events_moves`: pointer moves that carry a position and nothing else (most rows by far);
 * - `events_keys`: one row per keystroke, a key_down paired with the key_up that follows it in
 *   the same session, for the same key code, key class and app;
 * - `events_other`: every other row, in the wide shape (clicks, wheel, unpaired or odd key rows).
 *
 * One UTC day per transaction, rows sorted by time (so the narrow columns delta-encode well), and
 * lossless: the `events` view gives back every moved row, with its time floored to the ms. The
 * transaction checks that the rows written add up to the rows removed, and rolls back otherwise.
 * Rows appended meanwhile are not in the transaction's snapshot: they stay live for the next pass.
 */

export const DAY_MICROS = 24 * 3600 * 1_000_000

export interface CompactionProgress {
  /** Days before the bound still in events_live. */
  pending_days: number
  /** Days compacted by this run so far. */
  done_days: number
}

export interface CompactionResult {
  days: number
  /** Events moved out of events_live. */
  events: number
}

/** Stops the compaction between two days (a daemon that stops); resolving to false stops it. */
export type BetweenDays = (progress: CompactionProgress) => Promise<boolean | void>

/** The UTC days (their start, µs) that hold live rows before `boundMicros`, oldest first. */
export async function liveDaysBefore(connection: DuckDBConnection, boundMicros: number): Promise<number[]> {
  const reader = await connection.runAndReadAll(
    `SELECT DISTINCT epoch_us(date_trunc('day', ts)) AS day FROM events_live
     WHERE ts < make_timestamp($bound::BIGINT) ORDER BY 1`,
    {bound: BigInt(boundMicros)},
  )
  return reader.getRowObjects().map(row => Number(row.day))
}

/** Live rows before `boundMicros`: what a backlog's free-space estimate is made from. */
export async function liveRowsBefore(connection: DuckDBConnection, boundMicros: number): Promise<number> {
  const reader = await connection.runAndReadAll(
    'SELECT count(*) AS n FROM events_live WHERE ts < make_timestamp($bound::BIGINT)',
    {bound: BigInt(boundMicros)},
  )
  return Number(reader.getRowObjects()[0].n)
}

/**
 * Compact every live row before `boundMicros` (callers pass the start of a UTC day), a day per
 * transaction. `betweenDays` is awaited after each committed day.
 */
export async function compactBefore(connection: DuckDBConnection, boundMicros: number, betweenDays?: BetweenDays): Promise<CompactionResult> {
  const days = await liveDaysBefore(connection, boundMicros)
  const result: CompactionResult = {days: 0, events: 0}
  for (const day of days) {
    result.events += await compactDay(connection, day, Math.min(day + DAY_MICROS, boundMicros))
    result.days++
    if ((await betweenDays?.({pending_days: days.length - result.days, done_days: result.days})) === false) break
  }

  return result
}

/** The columns of a wide row, after its stamp. */
const WIDE = 'session_id, kind, key_code, key_class, x, y, button, wheel_amount, wheel_direction, modifiers, app, hold_ms'

/** A move with a position and nothing else: what events_moves holds without loss. */
const PLAIN_MOVE = `kind = 'mouse_move' AND x IS NOT NULL AND y IS NOT NULL AND key_code IS NULL AND key_class IS NULL
  AND button IS NULL AND wheel_amount IS NULL AND wheel_direction IS NULL AND modifiers IS NULL AND hold_ms IS NULL`

/** A key row without pointer columns: one half of a keystroke, if its other half is found. */
const KEY_ROW = `kind IN ('key_down', 'key_up') AND x IS NULL AND y IS NULL AND button IS NULL
  AND wheel_amount IS NULL AND wheel_direction IS NULL`

/**
 * The day's key rows, each with the next key row of the same session, code, class and app. A
 * key_down (without a hold time, as the daemon writes them) followed by a key_up is one keystroke;
 * the up is then carried by it. Each up follows exactly one row, so it is used at most once; a
 * down followed by another down (a missed release) and an up with no down before it stay apart.
 */
const KEY_PAIRS = `key_rows AS (
  SELECT ts, epoch_ms(ts) AS ms, rowid AS rid, ${WIDE},
    lead(epoch_ms(ts)) OVER k AS up_ms, lead(kind) OVER k AS next_kind,
    lead(modifiers) OVER k AS up_modifiers, lead(hold_ms) OVER k AS up_hold_ms,
    lag(kind) OVER k AS prev_kind, lag(hold_ms) OVER k AS prev_hold_ms
  FROM events_live WHERE ${KEY_ROW} AND ts >= make_timestamp($lo::BIGINT) AND ts < make_timestamp($hi::BIGINT)
  WINDOW k AS (PARTITION BY session_id, key_code, key_class, app ORDER BY ts, rowid)
),
key_parts AS (
  SELECT *, coalesce(kind = 'key_down' AND hold_ms IS NULL AND next_kind = 'key_up', false) AS keystroke,
    coalesce(kind = 'key_up' AND prev_kind = 'key_down' AND prev_hold_ms IS NULL, false) AS carried
  FROM key_rows
)`

const IN_DAY = 'ts >= make_timestamp($lo::BIGINT) AND ts < make_timestamp($hi::BIGINT)'

async function count(connection: DuckDBConnection, sql: string, params: Record<string, bigint>): Promise<number> {
  const reader = await connection.runAndReadAll(sql, params)
  return Number(reader.getRowObjects()[0]?.Count ?? reader.getRowObjects()[0]?.n ?? 0)
}

/** Move one day's live rows [lo, hi) into the compact tables, in one transaction; returns the rows moved. */
export async function compactDay(connection: DuckDBConnection, lo: number, hi: number): Promise<number> {
  const params = {lo: BigInt(lo), hi: BigInt(hi)}
  await connection.run('BEGIN TRANSACTION')
  try {
    const live = await count(connection, `SELECT count(*) AS n FROM events_live WHERE ${IN_DAY}`, params)
    const moves = await count(connection, `INSERT INTO events_moves
      SELECT make_timestamp_ms(epoch_ms(ts)), session_id, x, y, app FROM events_live
      WHERE ${PLAIN_MOVE} AND ${IN_DAY} ORDER BY ts, rowid`, params)
    const keys = await count(connection, `INSERT INTO events_keys
      WITH ${KEY_PAIRS}
      SELECT make_timestamp_ms(ms), session_id, (up_ms - ms)::INTEGER, key_code, key_class, modifiers, up_modifiers, up_hold_ms, app
      FROM key_parts WHERE keystroke ORDER BY ms, rid`, params)
    const others = await count(connection, `INSERT INTO events_other
      WITH ${KEY_PAIRS}, rest AS (
        SELECT ts, rowid AS rid, ${WIDE} FROM events_live WHERE NOT (${PLAIN_MOVE}) AND NOT (${KEY_ROW}) AND ${IN_DAY}
        UNION ALL SELECT ts, rid, ${WIDE} FROM key_parts WHERE NOT keystroke AND NOT carried
      )
      SELECT make_timestamp_ms(epoch_ms(ts)), ${WIDE} FROM rest ORDER BY ts, rid`, params)
    const removed = await count(connection, `DELETE FROM events_live WHERE ${IN_DAY}`, params)
    const stored = moves + 2 * keys + others
    if (stored !== live || removed !== live) {
      throw new Error(`compaction of ${new Date(lo / 1000).toISOString().slice(0, 10)} did not add up (${live} live rows, ${stored} compacted, ${removed} removed); nothing was changed`)
    }

    await connection.run('COMMIT')
    return live
  } catch (error) {
    await connection.run('ROLLBACK').catch(() => {})
    throw error
  }
}
