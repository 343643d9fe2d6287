import type {QueryParams} from '../store/query-stream.js'
import type {ProfileQuery} from './profiles.js'

/**
 * The SQL that reads a profile's output the way a recipient would. Every query here takes the
 * profile's own SELECT (profiles.ts, what `export --redact` writes) as a relation and only the
 * columns that output has: a column the profile drops is simply not there to read, so a change to
 * a profile changes what these find.
 */

/** Inter-key gaps shorter than this are typing (a digraph); longer ones are pauses. */
export const DIGRAPH_MAX_MS = 1000
/** A day's feature (a median) counts only with this many samples behind it. */
export const MIN_FEATURE_SAMPLES = 20
/** Holds longer than this are a key held down on purpose, not typing. */
export const MAX_HOLD_MS = 2000

/** The columns of a relation, read from a zero-row result (which still names them). */
export function columnsProbe(profile: ProfileQuery): ProfileQuery {
  return {sql: `SELECT * FROM (${profile.sql}) LIMIT 0`, params: profile.params}
}

/** Which columns a per-event extractor may use, given what the output has. */
export interface OutputShape {
  has(column: string): boolean
}

export function outputShape(columns: readonly string[]): OutputShape {
  const set = new Set(columns)
  return {has: column => set.has(column)}
}

/** `expression AS name` when every column it needs is in the output, else `0 AS name`: nothing to count. */
function countIf(shape: OutputShape, needs: string[], expression: string, name: string): string {
  return `${needs.every(column => shape.has(column)) ? expression : '0'}::BIGINT AS ${name}`
}

const ON_MOVES = 'FILTER (WHERE kind = \'mouse_move\' AND x IS NOT NULL AND y IS NOT NULL)'
const moved = (column: string): string => `min(${column}) ${ON_MOVES} <> max(${column}) ${ON_MOVES}`

/**
 * One pass over the output counting what each signal needs (see exposure.ts for the rules):
 * key presses with a key code, releases with a hold or a code to pair by, rows with an app,
 * rows with a time, whether pointer moves reach two positions, clicks with a position.
 */
export function signalCountsQuery(profile: ProfileQuery, shape: OutputShape): ProfileQuery {
  const time = shape.has('ts') ? 'ts' : (shape.has('minute') ? 'minute' : undefined)
  const columns = [
    'count(*)::BIGINT AS output_rows',
    countIf(shape, ['kind', 'key_code'], 'count(*) FILTER (WHERE kind = \'key_down\' AND key_code IS NOT NULL)', 'coded_presses'),
    countIf(shape, ['kind', 'key_code'], 'count(*) FILTER (WHERE kind = \'key_up\' AND key_code IS NOT NULL)', 'coded_releases'),
    countIf(shape, ['kind', 'hold_ms'], 'count(*) FILTER (WHERE kind = \'key_up\' AND hold_ms IS NOT NULL)', 'holds'),
    countIf(shape, ['app', 'ts'], 'count(*) FILTER (WHERE app IS NOT NULL AND ts IS NOT NULL)', 'app_rows'),
    time ? `count(${time})::BIGINT AS timed_rows` : '0::BIGINT AS timed_rows',
    // Two distinct positions exactly when x or y is not constant (cheaper than counting distinct pairs).
    countIf(shape, ['kind', 'x', 'y', 'ts'], `CASE WHEN ${moved('x')} OR ${moved('y')} THEN 2 ELSE 0 END`, 'path_points'),
    countIf(shape, ['kind', 'x', 'y'], 'count(*) FILTER (WHERE kind = \'mouse_down\' AND x IS NOT NULL AND y IS NOT NULL)', 'click_points'),
  ]
  return {sql: `SELECT ${columns.join(', ')} FROM (${profile.sql})`, params: profile.params}
}

/** Per-event key rows with a time: what rhythm and re-identification are computed from. */
export function hasKeyTiming(shape: OutputShape): boolean {
  return shape.has('kind') && shape.has('ts')
}

/** The local day of `ts` (hours and days are local, as in summarize), bound to $exposure_tz. */
const LOCAL_DAY = 'CAST(timezone($exposure_tz, timezone(\'UTC\', ts)) AS DATE)'

/**
 * Consecutive key presses in time order with the gap between them (µs), the class of each and
 * the local day of the second. Ties (times rounded by a profile) are ordered by class, so the
 * same output always gives the same pairs.
 */
function pressGaps(profile: ProfileQuery, shape: OutputShape): string {
  const keyClass = shape.has('key_class') ? 'coalesce(key_class, \'unclassified\')' : '\'any\''
  return `presses AS (
  SELECT epoch_us(ts) AS us, ${keyClass} AS cls, ${LOCAL_DAY} AS day FROM (${profile.sql}) WHERE kind = 'key_down' AND ts IS NOT NULL
),
gaps AS (
  SELECT day, lag(cls) OVER w AS from_cls, cls AS to_cls, us - lag(us) OVER w AS gap_us, us FROM presses WINDOW w AS (ORDER BY us, cls)
)`
}

/**
 * Each local day's rhythm vector, one row per (day, feature): `digraph:<from>><to>` (median gap
 * between consecutive presses of those key classes, under DIGRAPH_MAX_MS) and, when the output
 * keeps hold times, `hold:<class>` (median hold of releases of that class). Features with fewer
 * than MIN_FEATURE_SAMPLES samples that day are left out; `day_presses` is the day's key presses,
 * `resolution_ms` the timing resolution of all presses (the same on every row). Ordered, so the vectors are the same
 * run after run.
 */
export function rhythmVectorsQuery(profile: ProfileQuery, shape: OutputShape, timeZone: string): ProfileQuery {
  const parts = [`SELECT day, 'digraph:' || from_cls || '>' || to_cls AS feature, gap_us / 1000.0 AS ms FROM gaps
    WHERE gap_us IS NOT NULL AND gap_us >= 0 AND gap_us <= ${DIGRAPH_MAX_MS * 1000}`]
  if (shape.has('hold_ms')) {
    const keyClass = shape.has('key_class') ? 'coalesce(key_class, \'unclassified\')' : '\'any\''
    parts.push(`SELECT ${LOCAL_DAY} AS day, 'hold:' || ${keyClass} AS feature, hold_ms::DOUBLE AS ms FROM (${profile.sql})
    WHERE kind = 'key_up' AND ts IS NOT NULL AND hold_ms IS NOT NULL AND hold_ms >= 0 AND hold_ms <= ${MAX_HOLD_MS}`)
  }

  const sql = `WITH ${pressGaps(profile, shape)},
day_presses AS (SELECT day, count(*) AS presses FROM presses GROUP BY day),
-- The coarsest of 1 s, 100 ms, 10 ms, 1 ms that every press time is a multiple of (0.001: none is).
resolution AS (
  SELECT CASE WHEN bool_and(us % 1000000 = 0) THEN 1000 WHEN bool_and(us % 100000 = 0) THEN 100
    WHEN bool_and(us % 10000 = 0) THEN 10 WHEN bool_and(us % 1000 = 0) THEN 1 ELSE 0.001 END::DOUBLE AS ms FROM presses
),
samples AS (
  ${parts.join('\n  UNION ALL\n  ')}
)
SELECT strftime(day, '%Y-%m-%d') AS day, feature, median(ms)::DOUBLE AS median_ms, count(*)::BIGINT AS samples,
  any_value(day_presses.presses)::BIGINT AS day_presses, (SELECT ms FROM resolution) AS resolution_ms
FROM samples JOIN day_presses USING (day) GROUP BY day, feature HAVING count(*) >= ${MIN_FEATURE_SAMPLES} ORDER BY day, feature`
  return {sql, params: {...profile.params, exposure_tz: timeZone} satisfies QueryParams}
}
