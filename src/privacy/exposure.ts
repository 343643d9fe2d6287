import type {Reader} from '../analysis/summary.js'
import type {JsonValue} from '../core/values.js'

import {collect, localTimeZone} from '../analysis/summary.js'
import {
  type ProfileOrNone, type ProfileQuery, profileSelect,
} from './profiles.js'
import {
  type DayVector, measureReidentification, MIN_DAY_PRESSES, type Reidentification,
} from './reidentification.js'
import {
  columnsProbe, hasKeyTiming, outputShape, rhythmVectorsQuery, signalCountsQuery,
} from './signals-sql.js'

/**
 * What a recipient of a profile's output could learn from it. The answer is computed, never
 * looked up: the extractors read the profile's own SELECT (profiles.ts, the one `export
 * --redact`, `upload` and `redact` use) over your data, so a profile that keeps one more column
 * answers differently. A signal is true when the output lets a recipient compute it:
 *
 * - `text`: key codes on key presses, in time order: what you typed can be read back.
 * - `key_identity`: key codes on any key event: which key each press was.
 * - `rhythm_fingerprint`: a day's rhythm vector (medians of gaps between key-class pairs and of
 *   holds, each from enough samples) can be computed and is not degenerate: at least two of its
 *   medians differ. Rounding times to 100 ms (coarse) does not make it degenerate; it is the
 *   re-identification rate that says how much such a vector still gives away.
 * - `hold_flight`: hold times (`hold_ms`), or releases pairable with their presses by key code.
 * - `app_timeline`: which app (named or hashed) had your input, and when.
 * - `working_hours`: when you were at the keyboard (any per-event time or per-minute row).
 * - `mouse_path`: at least two distinct pointer positions on moves, in time order.
 * - `click_positions`: where you clicked.
 */
export const SIGNALS = [
  'text', 'key_identity', 'rhythm_fingerprint', 'hold_flight', 'app_timeline', 'working_hours', 'mouse_path', 'click_positions',
] as const
export type Signal = (typeof SIGNALS)[number]

/** Each signal in plain words (the terminal view and the report show the same sentences). */
export const SIGNAL_MEANINGS: Record<Signal, string> = {
  text: 'what you typed can be read back (key codes, in order)',
  key_identity: 'which key each press was',
  rhythm_fingerprint: 'your typing rhythm per day (median gaps between kinds of keys), which identifies typists',
  hold_flight: 'how long you hold each key and the time from one key to the next',
  app_timeline: 'which app had your input and when (even under a hashed name)',
  working_hours: 'when you were at the keyboard',
  mouse_path: 'where the pointer went, move by move',
  click_positions: 'where on the screen you clicked',
}

/** The profiles `exposure` judges, raw first, in order of what they keep. */
export const EXPOSURE_PROFILES: readonly ProfileOrNone[] = ['none', 'keys', 'coarse', 'aggregate']

export interface ProfileExposure {
  profile: ProfileOrNone
  signals: Record<Signal, boolean>
  reidentification: Reidentification
}

export interface ExposureOptions {
  sinceMicros?: number
  untilMicros?: number
  /** The aggregate profile's active time (config `idle_seconds`). */
  idleSeconds: number
  /** Days are local days in this IANA zone; default this process's. */
  timeZone?: string
  crowd?: number
  seed?: number
}

function count(row: Record<string, JsonValue> | undefined, name: string): number {
  return Number(row?.[name] ?? 0)
}

/** The rhythm vectors of the output's usable days (MIN_DAY_PRESSES key presses or more), in day order. */
function dayVectors(rows: ReadonlyArray<Record<string, JsonValue>>): DayVector[] {
  const days = new Map<string, DayVector>()
  for (const row of rows) {
    if (count(row, 'day_presses') < MIN_DAY_PRESSES) continue
    const day = String(row.day)
    const vector = days.get(day) ?? {day, features: {}}
    vector.features[String(row.feature)] = {median_ms: Number(row.median_ms), samples: count(row, 'samples')}
    days.set(day, vector)
  }

  return [...days.values()]
}

/** Whether any day's rhythm vector has two features with different medians (days of any length). */
function nonDegenerate(rows: ReadonlyArray<Record<string, JsonValue>>): boolean {
  const medians = new Map<string, Set<number>>()
  for (const row of rows) {
    const day = String(row.day)
    const values = medians.get(day) ?? new Set<number>()
    values.add(Number(row.median_ms))
    medians.set(day, values)
  }

  return [...medians.values()].some(values => values.size >= 2)
}

/** The exposure of one output: `query` is a profile's SELECT (exported for tests that vary a profile). */
export async function outputExposure(store: Reader, profile: ProfileOrNone, query: ProfileQuery, options: ExposureOptions): Promise<ProfileExposure> {
  const timeZone = options.timeZone ?? localTimeZone()
  const probe = columnsProbe(query)
  let columns: string[] = []
  for await (const batch of store.query(probe.sql, probe.params)) columns = batch.columns
  const shape = outputShape(columns)
  const counts = signalCountsQuery(query, shape)
  const [c] = await collect(store, counts.sql, counts.params)

  let resolutionMs = 0.001
  let rhythm = false
  let days: DayVector[] = []
  if (hasKeyTiming(shape)) {
    const vectors = rhythmVectorsQuery(query, shape, timeZone)
    const rows = await collect(store, vectors.sql, vectors.params)
    if (rows.length > 0) resolutionMs = Number(rows[0].resolution_ms)
    rhythm = nonDegenerate(rows)
    days = dayVectors(rows)
  }

  const signals: Record<Signal, boolean> = {
    text: count(c, 'coded_presses') >= 2 && shape.has('ts'),
    key_identity: count(c, 'coded_presses') + count(c, 'coded_releases') > 0,
    rhythm_fingerprint: rhythm,
    hold_flight: count(c, 'holds') > 0 || (shape.has('ts') && count(c, 'coded_presses') > 0 && count(c, 'coded_releases') > 0),
    app_timeline: count(c, 'app_rows') > 0,
    working_hours: count(c, 'timed_rows') > 0,
    mouse_path: count(c, 'path_points') >= 2,
    click_positions: count(c, 'click_points') > 0,
  }
  return {profile, signals, reidentification: measureReidentification(days, {crowd: options.crowd, seed: options.seed, resolutionMs})}
}

/** The exposure of `profile`'s output over the range. */
export function profileExposure(store: Reader, profile: ProfileOrNone, options: ExposureOptions): Promise<ProfileExposure> {
  const query = profileSelect(profile, {sinceMicros: options.sinceMicros, untilMicros: options.untilMicros}, {idleSeconds: options.idleSeconds})
  return outputExposure(store, profile, query, options)
}

/** Every profile's exposure over the range, raw first. */
export async function computeExposure(store: Reader, options: ExposureOptions): Promise<ProfileExposure[]> {
  const result: ProfileExposure[] = []
  for (const profile of EXPOSURE_PROFILES) result.push(await profileExposure(store, profile, options))
  return result
}
