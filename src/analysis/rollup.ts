import type {DuckDBConnection} from '@duckdb/node-api'

import {z} from 'zod'

import {type DatabaseAccess, defineOperation, YieldedToRewriteError} from '../store/database-access.js'
import {DYNAMICS_CTES, DYNAMICS_ROLLUP} from './dynamics-sql.js'
import {
  AGGREGATE_CTES, BURST_KEYS, derivedSql, floorSlot, GAP_COLUMNS, KEY_COLUMNS, POSITION_KINDS, ROLLUP_LOOKBACK_MICROS, SLOT_MICROS,
} from './metrics-sql.js'
import {chunkEnd, chunkEvents} from './rollup-chunks.js'
import {percentOf, reportRollupProgress} from './rollup-progress.js'
import {rawPiecesSql, ROLLUP_SPLIT_SECONDS} from './workflow-sql.js'

/**
 * The metrics rollup: what metrics-sql.ts computes per event, summed per 15-minute slot and app
 * (tables rollup_slots, rollup_gaps, rollup_key_intervals; schema migration 2), plus the workflow
 * runs of each slot (rollup_app_runs, migration 5; see workflow-sql.ts), for every slot
 * before `rollup_state.covered_until`. Summaries read the rollup for whole slots before that mark
 * and raw events for the rest, and get exactly what raw events alone would give.
 *
 * Kept current three ways:
 * - refreshRollup extends it up to the slot that began 2 minutes ago (the daemon does this every
 *   few minutes, `summarize` and `report` just before reading). It also checks that the rollup
 *   still counts as many events as the table holds before its mark; when not (rows deleted, or
 *   written late with old times) it rebuilds from the first slot that differs.
 * - invalidateRollup(connection, since, until) rebuilds the slots a rewrite of that range can
 *   change. `forget`, `redact` and retention must call it after changing events in place.
 * - dropping the rollup_* rows (or a database without them) just means a full rebuild.
 */

/** Events are written within flush_ms (≤ 60 s) of their time stamp; slots are closed only after this. */
export const SETTLE_MICROS = 2 * 60 * 1_000_000

export interface RollupResult {
  /** Everything before this instant (µs since the epoch) is in the rollup; null when there is no rollup. */
  covered_until: null | number
  /** Events the rollup counts. */
  events: number
  /** The slots rebuilt by this call, if any (`from` 0: from the first event). */
  rebuilt: null | {from: number; to: number}
}

/** Every table of per-slot sums, replaced together when slots are rebuilt. */
const ROLLUP_TABLES = ['rollup_slots', 'rollup_gaps', 'rollup_key_intervals', ...DYNAMICS_ROLLUP.map(({table}) => table)]

/**
 * The order histogram rows (rollup_key_intervals, rollup_holds, rollup_flights, rollup_digraphs)
 * are stored in: by the magnitude of `ms` (its sign and power of two) first, then by slot and the
 * rest. DuckDB bit-packs a column 2048 values at a time at the width of their range, and a
 * histogram's ms runs from a few ms to a day: stored slot by slot, every group of 2048 holds some
 * long interval and takes ~20 bits a value; banded by magnitude, a group of short intervals takes
 * ~10. A third less space for these tables (BENCHMARKS.md, "whole demo file"); readers sum by
 * group, so the order changes no result.
 */
function histogramOrder(columns: string): string {
  const rest = columns.split(', ').filter(column => column !== 'ms' && column !== 'n')
  return `ORDER BY sign(ms) * floor(log2(abs(ms) + 1)), ${rest.join(', ')}, ms`
}

let queue: Promise<unknown> = Promise.resolve()

/** One rollup change at a time in this process (the daemon's timer and an `operate` request can overlap). */
function serialised<T>(work: () => Promise<T>): Promise<T> {
  const run = queue.then(work, work)
  queue = run.catch(() => {})
  return run
}

async function one(connection: DuckDBConnection, sql: string, params: Record<string, number> = {}): Promise<Record<string, unknown> | undefined> {
  const reader = await connection.runAndReadAll(sql, params)
  return reader.getRowObjectsJS()[0] as Record<string, unknown> | undefined
}

function num(value: unknown): null | number {
  return value === null || value === undefined ? null : Number(value)
}

export async function hasRollupTables(connection: DuckDBConnection): Promise<boolean> {
  const row = await one(connection, `SELECT count(*)::INTEGER AS n FROM duckdb_tables()
    WHERE schema_name = 'main' AND table_name IN ('rollup_state', ${ROLLUP_TABLES.map(table => `'${table}'`).join(', ')})`)
  return Number(row?.n) === ROLLUP_TABLES.length + 1
}

async function hasPieceTable(connection: DuckDBConnection): Promise<boolean> {
  const row = await one(connection, 'SELECT count(*)::INTEGER AS n FROM duckdb_tables() WHERE schema_name = \'main\' AND table_name = \'rollup_app_runs\'')
  return Number(row?.n) === 1
}

async function readState(connection: DuckDBConnection): Promise<null | {coveredUntil: number; events: number}> {
  const row = await one(connection, 'SELECT epoch_us(covered_until) AS w, events FROM rollup_state LIMIT 1')
  return row ? {coveredUntil: Number(row.w), events: Number(row.events)} : null
}

/** Events before `until`, counted cheaply: the whole table minus the recent part (which zone maps find fast). */
async function eventsBefore(connection: DuckDBConnection, until: number): Promise<number> {
  const row = await one(connection, 'SELECT (SELECT count(*) FROM events) - (SELECT count(*) FROM events WHERE ts >= make_timestamp($w::BIGINT)) AS n', {w: until})
  return Number(row?.n)
}

/** The first slot before `until` whose event count differs between the events table and the rollup. */
async function firstMismatch(connection: DuckDBConnection, until: number): Promise<null | number> {
  const row = await one(connection, `
    WITH e AS (
      SELECT make_timestamp((epoch_us(ts) // ${SLOT_MICROS}) * ${SLOT_MICROS}) AS slot, count(*) AS n
      FROM events WHERE ts < make_timestamp($w::BIGINT) GROUP BY 1),
    r AS (SELECT slot, sum(events) AS n FROM rollup_slots WHERE slot < make_timestamp($w::BIGINT) GROUP BY 1)
    SELECT epoch_us(min(coalesce(e.slot, r.slot))) AS s FROM e FULL OUTER JOIN r ON e.slot = r.slot
    WHERE e.n IS DISTINCT FROM r.n`, {w: until})
  return num(row?.s)
}

async function firstEventFrom(connection: DuckDBConnection, from: null | number, to: number): Promise<null | number> {
  const lower = from === null ? '' : 'ts >= make_timestamp($from::BIGINT) AND '
  const params: Record<string, number> = {to}
  if (from !== null) params.from = from
  const row = await one(connection, `SELECT epoch_us(min(ts)) AS t FROM events WHERE ${lower}ts < make_timestamp($to::BIGINT)`, params)
  return num(row?.t)
}

/**
 * The events next to a window's edge that a slot's metrics depend on: the nearest event, the
 * nearest position row, the BURST_KEYS (5) nearest key presses (a burst) and the nearest key
 * release with a hold (a flight), looked for in [lo, hi).
 * Side 'before' (the window ends at the edge): the earliest of them; 'after' (it starts there):
 * the latest. Null when the window holds no event.
 */
async function neighboursReach(connection: DuckDBConnection, side: 'after' | 'before', lo: number, hi: number): Promise<null | number> {
  const positions = POSITION_KINDS.map(kind => `'${kind}'`).join(', ')
  const [pick, nearest, farthest, order] = side === 'before' ? ['least', 'max', 'min', 'DESC'] : ['greatest', 'min', 'max', 'ASC']
  const row = await one(connection, `
    WITH near AS (SELECT ts, kind, x, hold_ms FROM events WHERE ts >= make_timestamp($lo::BIGINT) AND ts < make_timestamp($hi::BIGINT))
    SELECT ${pick}(
      (SELECT epoch_us(${nearest}(ts)) FROM near),
      (SELECT epoch_us(${nearest}(ts)) FROM near WHERE kind IN (${positions}) AND x IS NOT NULL),
      (SELECT epoch_us(${nearest}(ts)) FROM near WHERE kind = 'key_up' AND hold_ms IS NOT NULL),
      (SELECT epoch_us(${farthest}(ts)) FROM (SELECT ts FROM near WHERE kind = 'key_down' ORDER BY ts ${order} LIMIT ${BURST_KEYS}))) AS t`, {lo, hi})
  return num(row?.t)
}

/**
 * Where the events that precede `a` and matter to it begin, looked for no further back than any
 * can matter. Reading from there rather than a whole day back keeps the daemon's frequent refreshes small.
 */
async function predecessorsFrom(connection: DuckDBConnection, a: number): Promise<number> {
  return (await neighboursReach(connection, 'before', a - ROLLUP_LOOKBACK_MICROS, a)) ?? a
}

/**
 * Replace the rollup rows of the slots in [from, to) (both slot-aligned; `from` null: from the
 * start) with sums computed from the raw events. Runs inside the caller's transaction.
 */
async function rebuild(connection: DuckDBConnection, from: null | number, to: number): Promise<void> {
  const range = from === null ? 'slot < make_timestamp($to::BIGINT)' : 'slot >= make_timestamp($from::BIGINT) AND slot < make_timestamp($to::BIGINT)'
  const rangeParams: Record<string, number> = from === null ? {to} : {from, to}
  // rollup_app_runs came with schema 5; a database opened read-only may be older.
  const pieces = await hasPieceTable(connection)
  for (const table of [...ROLLUP_TABLES, ...(pieces ? ['rollup_app_runs'] : [])]) {
    await connection.run(`DELETE FROM ${table} WHERE ${range}`, rangeParams)
  }

  const maxEvents = await chunkEvents(connection)
  let start = await firstEventFrom(connection, from, to)
  while (start !== null) {
    const a = floorSlot(start)
    const b = await chunkEnd(connection, a, to, maxEvents)
    const derived = derivedSql([{lookbackFrom: await predecessorsFrom(connection, a), from: a, to: b}])
    await connection.run(`CREATE OR REPLACE TEMP TABLE rollup_derived AS WITH ${derived.ctes} SELECT * FROM raw_derived`, derived.params)
    const aggregates = `WITH raw_derived AS (SELECT * FROM rollup_derived), ${AGGREGATE_CTES}`
    await connection.run(`INSERT INTO rollup_slots ${aggregates}
      SELECT slot, app, events, keys, corrections, clicks, wheel, bursts, make_timestamp(first_us), make_timestamp(last_us) FROM raw_slots`)
    await connection.run(`INSERT INTO rollup_gaps ${aggregates} SELECT ${GAP_COLUMNS} FROM raw_gaps`)
    await connection.run(`INSERT INTO rollup_key_intervals ${aggregates} SELECT ${KEY_COLUMNS} FROM raw_keys ${histogramOrder(KEY_COLUMNS)}`)
    for (const {table, relation, columns} of DYNAMICS_ROLLUP) {
      await connection.run(`INSERT INTO ${table} WITH raw_derived AS (SELECT * FROM rollup_derived), ${DYNAMICS_CTES}
        SELECT ${columns} FROM ${relation} ${histogramOrder(columns)}`)
    }

    await connection.run('DROP TABLE rollup_derived')
    if (pieces) await insertPieces(connection, a, b)
    start = b >= to ? null : await firstEventFrom(connection, b, to)
  }
}

/**
 * The workflow pieces of the slots in [a, b): a slot's pieces depend on its own events only
 * (workflow-sql.ts), so no events before `a` are read.
 */
async function insertPieces(connection: DuckDBConnection, a: number, b: number): Promise<void> {
  const pieces = rawPiecesSql([{from: a, to: b, keep: true}])
  const sql = `INSERT INTO rollup_app_runs WITH ${pieces.ctes}
    SELECT slot, app, make_timestamp(start_us), make_timestamp(end_us), make_timestamp(first_key_us), actions, shortcuts FROM raw_pieces`
  await connection.run(sql, {...pieces.params, split: ROLLUP_SPLIT_SECONDS * 1_000_000})
}

async function writeState(connection: DuckDBConnection, coveredUntil: number, nowMicros: number): Promise<number> {
  const row = await one(connection, 'SELECT coalesce(sum(events), 0)::BIGINT AS n FROM rollup_slots WHERE slot < make_timestamp($w::BIGINT)', {w: coveredUntil})
  const events = Number(row?.n)
  await connection.run('DELETE FROM rollup_state')
  await connection.run('INSERT INTO rollup_state VALUES (make_timestamp($w::BIGINT), $n::BIGINT, make_timestamp($now::BIGINT))', {
    w: coveredUntil, n: events, now: nowMicros,
  })
  return events
}

async function inTransaction<T>(connection: DuckDBConnection, work: () => Promise<T>): Promise<T> {
  await connection.run('BEGIN TRANSACTION')
  try {
    const result = await work()
    await connection.run('COMMIT')
    return result
  } catch (error) {
    // The first error says what went wrong; a failed statement may already have ended the transaction.
    await connection.run('ROLLBACK').catch(() => {})
    throw error
  }
}

/** Runs one step of a build on a connection, closed after (see DatabaseAccess.online). */
type OnConnection = <T>(work: (connection: DuckDBConnection) => Promise<T>) => Promise<T>

export interface RefreshOptions {
  /** The clock (µs since the epoch); for tests. */
  nowMicros?: number
  /**
   * Awaited after each committed chunk of a long build, before the next; resolving to false stops
   * the build there (the next refresh resumes from the committed mark). Default: one turn of the
   * event loop, so flushes and requests run between chunks.
   */
  betweenChunks?: () => Promise<boolean | void>
}

/**
 * Bring the rollup up to the slot that began at least 2 minutes before `nowMicros`, repairing it
 * first if the events before its mark no longer add up. Cheap when there is nothing new.
 * A long span (a database without a rollup, or one a migration emptied) is built a week of events
 * at a time (less where the events are too many for the memory limit: rollup-chunks.ts), each
 * chunk committed with its mark, so the work can stop anywhere and resume there,
 * and rollupBuildProgress() says how far it has come.
 */
export function refreshRollup(connection: DuckDBConnection, options: RefreshOptions = {}): Promise<RollupResult> {
  return refreshInSteps(work => work(connection), options)
}

/**
 * refreshRollup where the database is held (the daemon, or a command with the daemon stopped):
 * each week's chunk runs on a fresh connection through `db.online`, so a rewrite (forget, redact,
 * retention) asked for meanwhile stops the chunk in progress (rolled back: a chunk commits whole
 * or not at all) instead of waiting for it, and the chunk is built again after the rewrite, from
 * the mark the rewritten file holds. The two never interleave, and the slots a rewrite changed
 * are rebuilt inside it (invalidateRollup), so no chunk can put back a rolled-up trace of events
 * it removed.
 */
export function refreshRollupOf(db: DatabaseAccess, options: RefreshOptions = {}): Promise<RollupResult> {
  return refreshInSteps(work => db.online(work), options)
}

/** Builds running in this process (see rollupRefreshOperation). */
let building = 0

async function refreshInSteps(onConnection: OnConnection, options: RefreshOptions): Promise<RollupResult> {
  const nowMicros = options.nowMicros ?? Date.now() * 1000
  const step = async (): Promise<RefreshStep> => {
    for (;;) {
      try {
        return await onConnection(connection => serialised(() => refreshStep(connection, nowMicros)))
      } catch (error) {
        // A rewrite stopped this chunk (rolled back): build it again on the rewritten file.
        if (!(error instanceof YieldedToRewriteError)) throw error
      }
    }
  }

  let last = await step()
  const rebuilt = last.rebuiltFrom === undefined ? null : {from: last.rebuiltFrom ?? 0, to: last.target}
  if (last.done) return {covered_until: last.coveredUntil, events: last.events, rebuilt}
  // More than one chunk: a build that reports its progress; the routine refresh of a few minutes never shows as one.
  building++
  try {
    for (;;) {
      reportRollupProgress({
        events_done: last.events,
        events_total: last.total,
        percent: percentOf(last.events, last.total),
        covered_until: new Date((last.coveredUntil ?? 0) / 1000).toISOString(),
      })
      if ((await (options.betweenChunks ?? nextTurn)()) === false) break
      last = await step()
      if (last.done) break
    }
  } finally {
    building--
    reportRollupProgress(null)
  }

  return {covered_until: last.coveredUntil, events: last.events, rebuilt: {from: rebuilt?.from ?? 0, to: last.target}}
}

/** One turn of the event loop: the timers that flush captured events and answer requests run. */
function nextTurn(): Promise<void> {
  return new Promise(resolve => {
    setImmediate(resolve)
  })
}

interface RefreshStep {
  /** The mark after this step (null: no rollup tables). */
  coveredUntil: null | number
  events: number
  /** Where this step rebuilt from (null: from the first event); undefined when it rebuilt nothing. */
  rebuiltFrom?: null | number
  /** Where the whole refresh is heading. */
  target: number
  /** Nothing is left to build up to the target. */
  done: boolean
  /** Every event in the table, counted when more steps follow (the progress's total). */
  total: number
}

/**
 * One transaction of a refresh: read the mark (as committed: a rewrite may have changed it since
 * the last step), find where the rollup must be rebuilt from, and build at most one chunk from
 * the next event on, committing the chunk's slots with the new mark.
 */
async function refreshStep(connection: DuckDBConnection, nowMicros: number): Promise<RefreshStep> {
  const floor = floorSlot(nowMicros - SETTLE_MICROS)
  if (!(await hasRollupTables(connection))) return {
    coveredUntil: null, events: 0, target: floor, done: true, total: 0,
  }
  const state = await readState(connection)
  let from: null | number
  if (state) {
    const counted = await eventsBefore(connection, state.coveredUntil)
    from = counted === state.events ? state.coveredUntil : (await firstMismatch(connection, state.coveredUntil)) ?? state.coveredUntil
  } else {
    from = null
  }

  const target = Math.max(floor, state?.coveredUntil ?? Number.NEGATIVE_INFINITY)
  if (state && from !== null && from >= target) {
    return {
      coveredUntil: state.coveredUntil, events: state.events, target, done: true, total: 0,
    }
  }

  const next = await firstEventFrom(connection, from, target)
  const end = next === null ? target : await chunkEnd(connection, floorSlot(next), target, await chunkEvents(connection))
  const events = await inTransaction(connection, async () => {
    await rebuild(connection, from, end)
    return writeState(connection, end, nowMicros)
  })
  const done = end >= target
  return {
    coveredUntil: end, events, rebuiltFrom: from, target, done, total: done ? 0 : await countEvents(connection),
  }
}

async function countEvents(connection: DuckDBConnection): Promise<number> {
  return Number((await one(connection, 'SELECT count(*) AS n FROM events'))?.n)
}

/**
 * The events whose gap, step, inter-key interval or burst can change when events in a range
 * ending at `until` change (see neighboursReach). Returns the end of the last affected slot.
 */
async function affectedEnd(connection: DuckDBConnection, until: number): Promise<number> {
  const last = await neighboursReach(connection, 'after', until, until + ROLLUP_LOOKBACK_MICROS)
  return Math.max(Math.ceil(until / SLOT_MICROS) * SLOT_MICROS, last === null ? 0 : floorSlot(last) + SLOT_MICROS)
}

/**
 * Rebuild the rollup for the events in [sinceMicros, untilMicros) and everything whose metrics
 * depend on them. Call it after deleting or rewriting events in that range (forget, redact,
 * retention); either bound undefined means open-ended. Pass `inTransaction: true` when the caller
 * already has a transaction open on this connection (the work then joins it).
 */
export function invalidateRollup(
  connection: DuckDBConnection,
  sinceMicros?: number,
  untilMicros?: number,
  options: {inTransaction?: boolean; nowMicros?: number} = {},
): Promise<RollupResult> {
  return serialised(async () => {
    if (!(await hasRollupTables(connection))) return {covered_until: null, events: 0, rebuilt: null}
    const state = await readState(connection)
    if (!state) return {covered_until: null, events: 0, rebuilt: null}
    const from = sinceMicros === undefined ? null : floorSlot(sinceMicros)
    if (from !== null && from >= state.coveredUntil) return {covered_until: state.coveredUntil, events: state.events, rebuilt: null}
    const to = untilMicros === undefined ? state.coveredUntil : Math.min(await affectedEnd(connection, untilMicros), state.coveredUntil)
    const work = async (): Promise<RollupResult> => {
      await rebuild(connection, from, to)
      const events = await writeState(connection, state.coveredUntil, options.nowMicros ?? Date.now() * 1000)
      return {covered_until: state.coveredUntil, events, rebuilt: {from: from ?? 0, to}}
    }

    return options.inTransaction ? work() : inTransaction(connection, work)
  })
}

/**
 * The `rollup-refresh` operation (src/operations.ts): runs where the database is held. `now_micros` is for tests.
 * While the daemon is already refreshing (its background build of a missing rollup can take
 * minutes), a request does not queue behind it: it gets the mark as committed so far, and the
 * summary that asked reads raw events for the rest, exact as ever.
 */
export const rollupRefreshOperation = defineOperation(z.object({now_micros: z.number().optional()}), async (db, params): Promise<RollupResult> => {
  if (building > 0) {
    const connection = await db.connect()
    try {
      const state = (await hasRollupTables(connection)) ? await readState(connection) : null
      return {covered_until: state?.coveredUntil ?? null, events: state?.events ?? 0, rebuilt: null}
    } finally {
      connection.closeSync()
    }
  }

  return refreshRollupOf(db, {nowMicros: params.now_micros})
})
