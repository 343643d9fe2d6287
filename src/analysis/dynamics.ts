import type {JsonValue} from '../core/values.js'
import type {Grouping, Sources} from './metrics-sql.js'

import {keyNameOf} from '../capture/key-names.js'
import {
  digraphQuery, type TimingOptions, timingQuery, type TimingRequest,
} from './dynamics-sql.js'

/**
 * Keystroke dynamics for `summarize` and `report`: hold and flight percentiles per group, digraphs
 * and the rhythm of the day, read through dynamics-sql.ts (raw events plus the rollup).
 */

/** Runs one read-only query and returns its rows as objects (summary.ts's `collect` on a store). */
export type RowQuery = (sql: string, params: Record<string, number | string>) => Promise<Array<Record<string, JsonValue>>>

export interface Timing {p50: null | number; p90: null | number; count: number}

/** The dynamics fields of one group's metrics (SPEC names). */
export interface KeyTimings {
  hold_ms: Timing
  flight_ms: Timing
}

export interface Digraph {from: string; to: string; count: number; p50_ms: number}

export interface RhythmHour {
  hour: number
  inter_key_p50_ms: null | number
  hold_p50_ms: null | number
  correction_ratio: null | number
}

const NO_TIMING: Timing = {p50: null, p90: null, count: 0}
export const NO_TIMINGS: KeyTimings = {hold_ms: NO_TIMING, flight_ms: NO_TIMING}

/** The key of one group of one grouping in the map timingsByGroup returns. */
export function groupKey(grouping: Grouping, group: JsonValue | undefined): string {
  return JSON.stringify([grouping, group ?? null])
}

function optional(value: JsonValue | undefined): null | number {
  return value === null || value === undefined ? null : Number(value)
}

/** Hold and flight percentiles for every group of each grouping, keyed by groupKey. */
export async function timingsByGroup(query: RowQuery, sources: Sources, requests: readonly TimingRequest[], options: TimingOptions): Promise<Map<string, KeyTimings>> {
  const {sql, params} = timingQuery(sources, requests, options)
  const timings = new Map<string, KeyTimings>()
  for (const row of await query(sql, params)) {
    const key = groupKey(row.grouping as Grouping, row.g)
    const timing: Timing = {p50: optional(row.p50_ms), p90: optional(row.p90_ms), count: Number(row.n)}
    const entry = timings.get(key) ?? {...NO_TIMINGS}
    timings.set(key, row.measure === 'holds' ? {...entry, hold_ms: timing} : {...entry, flight_ms: timing})
  }

  return timings
}

/** Digraphs by key class, or with `byKey` by key (named; only rows that store key codes). */
export async function digraphs(query: RowQuery, sources: Sources, idleSeconds: number, byKey: boolean): Promise<Digraph[]> {
  const {sql, params} = digraphQuery(sources, idleSeconds, byKey)
  const pairs = (await query(sql, params)).map(row => ({
    from: byKey ? keyNameOf(Number(row.from)) : String(row.from),
    to: byKey ? keyNameOf(Number(row.to)) : String(row.to),
    count: Number(row.count),
    p50_ms: Number(row.p50_ms),
  }))
  // Ties in the order of the names people read, not of key codes.
  return pairs.sort((a, b) => b.count - a.count || a.from.localeCompare(b.from) || a.to.localeCompare(b.to))
}

/** Every local hour 0–23, from the hour grouping's metrics and hold times (null where nothing was typed). */
export function rhythmByHour(hours: ReadonlyArray<{hour: number; inter_key_p50_ms: null | number; correction_ratio: null | number}>, holds: (hour: number) => null | number): RhythmHour[] {
  const byHour = new Map(hours.map(point => [point.hour, point]))
  return Array.from({length: 24}, (_, hour) => ({
    hour,
    inter_key_p50_ms: byHour.get(hour)?.inter_key_p50_ms ?? null,
    hold_p50_ms: holds(hour),
    correction_ratio: byHour.get(hour)?.correction_ratio ?? null,
  }))
}
