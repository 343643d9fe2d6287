import type {DuckDBConnection} from '@duckdb/node-api'

import {statfsSync} from 'node:fs'
import path from 'node:path'

import type {CompactionProgress} from '../ipc/protocol.js'
import type {DatabaseAccess} from './database-access.js'

import {EVENT_COLUMNS} from './schema.js'
import {YieldedToRewriteError} from './yielded-to-rewrite.js'

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

export interface CompactionResult {
  days: number
  /** Events moved out of events_live. */
  events: number
}

/** Awaited after each committed day with how far the run has come; resolving to false stops it. */
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
const WIDE = EVENT_COLUMNS.filter(column => column !== 'ts').join(', ')

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

/**
 * Bytes a backlog of `rows` live rows may add to the file before the space its rows held is free
 * again (at the next checkpoint): compacted, a row takes 2–4 bytes (BENCHMARKS.md "storage
 * layout"); 8 leaves room for worse-compressing input, plus a margin for DuckDB's blocks and WAL.
 */
export function compactionSpaceNeeded(rows: number): number {
  return rows * 8 + 64 * 1024 * 1024
}

/** Bytes free to this user on the file system holding `file`. */
export function freeBytesBeside(file: string): number {
  const stats = statfsSync(path.dirname(file))
  return Number(stats.bavail) * Number(stats.bsize)
}

let current: CompactionProgress | null = null

/** How far a compaction running in this process has come (the daemon's `status`); null when none runs. */
export function compactionProgress(): CompactionProgress | null {
  return current
}

export interface BacklogOptions {
  /** The clock (µs since the epoch); for tests. */
  nowMicros?: number
  /** Awaited after each committed day; false stops the run there (the next run goes on). */
  betweenDays?: () => Promise<boolean | void>
  log: (line: string) => void
  /** Bytes free beside the database (default: statfs); for tests. */
  freeBytes?: (file: string) => number
}

/** Days between two checkpoints of a long backlog, so the space the moved rows held is reused. */
const CHECKPOINT_EVERY_DAYS = 7

/**
 * Compact every live row before the start of the current UTC day, where the database is held (the
 * daemon): each day runs through `db.online`, so a rewrite (forget, redact, retention) asked for
 * meanwhile stops the day in progress (rolled back whole) and the day is compacted again on the
 * rewritten file. Before a backlog starts, the free space beside the file must cover what it may
 * add; when it does not, nothing starts, `status` and the log say so, and capture goes on.
 */
export async function compactBacklog(db: DatabaseAccess, options: BacklogOptions): Promise<CompactionResult> {
  const now = options.nowMicros ?? Date.now() * 1000
  const bound = Math.floor(now / DAY_MICROS) * DAY_MICROS
  const result: CompactionResult = {days: 0, events: 0}
  const days = await yieldingDay(db, connection => liveDaysBefore(connection, bound))
  if (days.length === 0) {
    current = null
    return result
  }

  const rows = await yieldingDay(db, connection => liveRowsBefore(connection, bound))
  const needed = compactionSpaceNeeded(rows)
  const free = (options.freeBytes ?? freeBytesBeside)(db.file)
  if (free < needed) {
    const waiting = `compacting ${days.length} past days needs ${mib(needed)} MiB free beside the database, ${mib(free)} MiB are; capture goes on uncompacted`
    // Logged once, when it starts waiting, not at every tick that finds the disk still short.
    if (current?.waiting_for_space === undefined) options.log(`compaction not started: ${waiting}`)
    current = {pending_days: days.length, done_days: 0, waiting_for_space: waiting}
    return result
  }

  if (days.length > 1) options.log(`compaction: ${days.length} past days (${rows} events) to compact`)
  current = {pending_days: days.length, done_days: 0}
  try {
    for (const day of days) {
      result.events += await yieldingDay(db, connection => compactDay(connection, day, Math.min(day + DAY_MICROS, bound)))
      result.days++
      current = {pending_days: days.length - result.days, done_days: result.days}
      if (result.days % CHECKPOINT_EVERY_DAYS === 0) await db.online(connection => connection.run('CHECKPOINT')).catch(() => {})
      if (result.days < days.length && (await options.betweenDays?.()) === false) break
    }
  } finally {
    current = null
  }

  if (result.days > 1) options.log(`compaction: ${result.days} days (${result.events} events) compacted`)
  return result
}

/** Run one step through db.online, again after a rewrite stopped it (it was rolled back). */
async function yieldingDay<T>(db: DatabaseAccess, work: (connection: DuckDBConnection) => Promise<T>): Promise<T> {
  for (;;) {
    try {
      return await db.online(work)
    } catch (error) {
      if (!(error instanceof YieldedToRewriteError)) throw error
    }
  }
}

function mib(bytes: number): number {
  return Math.ceil(bytes / 1024 / 1024)
}
