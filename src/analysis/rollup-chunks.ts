import type {DuckDBConnection} from '@duckdb/node-api'

import {sizeInMiB} from '../store/command-memory.js'
import {SLOT_MICROS} from './metrics-sql.js'

/** Raw events are rolled up at most a week at a time: the daemon's steps stay short, and progress moves. */
export const CHUNK_MICROS = 7 * 24 * 3600 * 1_000_000
/**
 * Memory a chunk's events take in the rollup's window queries, per event. Measured: a 10 M-event
 * chunk peaked at 7.1 GiB with no limit (~760 B/event; BENCHMARKS.md, "peak memory of long
 * commands"); rounded up, so a chunk fits in the instance's memory_limit with room for the rest.
 */
const BYTES_PER_EVENT = 1024
/** Without a readable limit (DuckDB's own default, 80 % of RAM, is still a number): a safe size. */
const FALLBACK_EVENTS = 1_000_000

/** How many events one chunk may hold under the connection's DuckDB memory_limit. */
export async function chunkEvents(connection: DuckDBConnection): Promise<number> {
  const reader = await connection.runAndReadAll('SELECT current_setting(\'memory_limit\') AS m')
  const mib = sizeInMiB(String(reader.getRowObjectsJS()[0]?.m ?? ''))
  return mib === undefined ? FALLBACK_EVENTS : Math.max(1, Math.floor((mib * 1024 * 1024) / BYTES_PER_EVENT))
}

/**
 * The end of the chunk that starts at slot `a`: a week on (or `to`), or sooner, at a slot
 * boundary, where the events since `a` would exceed `maxEvents` — dense input (a week of one
 * event every 50 ms is 12 M) is split into days or hours rather than held in memory at once.
 * A chunk always takes at least one slot with events, however many it holds. Any slot boundary
 * gives the same rollup: each chunk reads the events before it that its metrics depend on.
 */
export async function chunkEnd(connection: DuckDBConnection, a: number, to: number, maxEvents: number): Promise<number> {
  const end = Math.min(a + CHUNK_MICROS, to)
  const reader = await connection.runAndReadAll(`
    SELECT (epoch_us(ts) // ${SLOT_MICROS}) * ${SLOT_MICROS} AS slot, count(*) AS n FROM events
    WHERE ts >= make_timestamp($a::BIGINT) AND ts < make_timestamp($end::BIGINT) GROUP BY 1 ORDER BY 1`, {a, end})
  let events = 0
  for (const row of reader.getRowObjectsJS()) {
    events += Number(row.n)
    if (events > maxEvents && Number(row.slot) > a) return Number(row.slot)
  }

  return end
}
