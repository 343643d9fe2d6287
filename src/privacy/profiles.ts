import type {QueryParams} from '../store/query-stream.js'

import {type EventFilter, eventWhere} from '../store/event-queries.js'

/**
 * Redaction profiles (SPEC "Redaction profiles"), written once as SQL over `events` and used by
 * `export --redact`, `redact` (in place) and `upload`. Each profile is a SELECT; callers wrap it
 * (COPY … TO, a preview LIMIT, a count) but never change what it keeps.
 *
 * - `keys`: every column of `events` except `key_code`.
 * - `coarse`: an allow-list, so a column added to `events` later is dropped until someone decides
 *   it is safe: no key codes, no window titles, app names replaced by a salted hash, positions
 *   snapped to a 100 px grid, times rounded to 100 ms. The grid is for screen pixels (sessions
 *   of the hook backend); evdev sessions' positions are integrated from relative motion in device
 *   units, where a 100-unit grid means no fixed screen area and still traces the motion, so
 *   coarse drops them (x and y NULL).
 * - `aggregate`: no per-event rows at all; one row per UTC minute with counts and totals.
 *   Keystroke timing identifies people even after rounding or jitter; only aggregates defeat it.
 */
export const PROFILES = ['keys', 'coarse', 'aggregate'] as const
export type Profile = (typeof PROFILES)[number]
/** `none` is the data as stored: what `export` writes without `--redact` (and `upload --redact none`). */
export type ProfileOrNone = 'none' | Profile
export const PROFILE_CHOICES: readonly ProfileOrNone[] = [...PROFILES, 'none']
/**
 * The profiles `redact` can apply in place. Not aggregate: it keeps no per-event rows, so in place
 * it would delete every event in the range (that is `forget`).
 */
export const IN_PLACE_PROFILES = ['keys', 'coarse'] as const satisfies readonly Profile[]

/** What `--redact` means with no profile named. */
export const DEFAULT_REDACT_PROFILE: Profile = 'coarse'

export const PROFILE_SUMMARIES: Record<ProfileOrNone, string> = {
  none: 'every column as stored, key codes included',
  keys: 'every column except key_code',
  coarse: 'no key codes or window titles, app names hashed, positions on a 100 px grid (none from evdev sessions), times rounded to 100 ms',
  aggregate: 'one row per minute with counts and totals; no per-event rows',
}

/** Grid and rounding of the coarse profile. */
export const COARSE_GRID_PX = 100
export const COARSE_TIME_MICROS = 100_000

/** Hashed app names start with this, so hashing twice (coarse export of data redacted in place) changes nothing. */
export const HASHED_APP_PREFIX = '#'
/** Hex digits of sha256 kept: 64 bits, plenty to tell a person's apps apart. */
export const HASHED_APP_HEX_DIGITS = 16

export const COARSE_COLUMNS = [
  'ts', 'session_id', 'kind', 'key_class', 'x', 'y', 'button', 'wheel_amount', 'wheel_direction', 'modifiers', 'app',
] as const

export const AGGREGATE_KEY_CLASS_COLUMNS = [
  'keys_letter',
  'keys_digit',
  'keys_space',
  'keys_punctuation',
  'keys_modifier',
  'keys_navigation',
  'keys_correction',
  'keys_function',
  'keys_other',
  'keys_unclassified',
] as const

export const AGGREGATE_COLUMNS = [
  'minute',
  'events',
  'keys',
  ...AGGREGATE_KEY_CLASS_COLUMNS,
  'clicks',
  'wheel',
  'wheel_amount',
  'mouse_moves',
  'mouse_distance_px',
  'mouse_distance_counts',
  'active_seconds',
] as const

/** The default `idle_seconds` (config): input gaps shorter than this count as active time. */
export const DEFAULT_IDLE_SECONDS = 180

export interface ProfileOptions {
  /** Gaps between consecutive events shorter than this count as active (`aggregate`). */
  idleSeconds?: number
}

export interface ProfileQuery {
  sql: string
  params: QueryParams
}

// ---- column expressions, shared by the SELECTs below and by `redact` (which applies them in place) ----

/**
 * The per-database salt (schema migration 3), from the `meta` table of `database` (default: the
 * one queried). NULL if missing, which makes the hash NULL: it fails closed.
 */
export function saltSql(database?: string): string {
  return `(SELECT value FROM ${database ? `${database}.main.` : ''}meta WHERE key = 'app_salt' LIMIT 1)`
}

/**
 * SQL for the coarse form of the app name in `column`: `#` + 16 hex digits of sha256(salt ‖ name).
 * Names that already start with `#` (hashed in place earlier) stay as they are, so coarse applied
 * twice is coarse once. The hashes are computed once per distinct name in `table` of `database`
 * (a handful) and looked up per row: sha256 on every row would triple the cost of an export.
 */
export function hashedAppSql(column = 'app', options: {database?: string; table?: string} = {}): string {
  const table = `${options.database ? `${options.database}.main.` : ''}${options.table ?? 'events'}`
  const hashed = `'${HASHED_APP_PREFIX}' || left(sha256(${saltSql(options.database)} || name), ${HASHED_APP_HEX_DIGITS})`
  const hashes = `SELECT DISTINCT ${column} AS name FROM ${table} WHERE ${column} IS NOT NULL`
  const lookup = `(SELECT map(list(name), list(CASE WHEN starts_with(name, '${HASHED_APP_PREFIX}') THEN name ELSE ${hashed} END)) FROM (${hashes}))`
  return `${lookup}[${column}]`
}

/** A timestamp rounded to the nearest 100 ms (half up). */
export function roundedTsSql(column = 'ts'): string {
  return `make_timestamp(((epoch_us(${column}) + ${COARSE_TIME_MICROS / 2}) // ${COARSE_TIME_MICROS}) * ${COARSE_TIME_MICROS})`
}

/** A coordinate snapped to the nearest point of the 100 px grid (half away from zero; negative on multi-monitor setups). */
export function snappedSql(column: string): string {
  return `CAST(round(${column} / ${COARSE_GRID_PX}) * ${COARSE_GRID_PX} AS INTEGER)`
}

/**
 * True for rows of sessions captured through evdev (sessions.backend, migration 6), whose x/y are
 * integrated device units, not pixels; `database` as for saltSql. Sessions without a row or a
 * backend are hook sessions, as every session before migration 6 was.
 */
export function evdevRowSql(database?: string): string {
  return `session_id IN (SELECT id FROM ${database ? `${database}.main.` : ''}sessions WHERE backend = 'evdev')`
}

/** The coarse form of coordinate `column`: on the 100 px grid for pixel positions, NULL for evdev's device units. */
export function coarsePositionSql(column: string, database?: string): string {
  return `CASE WHEN ${evdevRowSql(database)} THEN NULL ELSE ${snappedSql(column)} END`
}

/**
 * The coarse value of each `events` column that coarse changes (other allow-listed columns pass
 * unchanged); `database` is where the salt, the app names and the sessions come from (the old file, attached, for a rewrite),
 * `table` the one whose app names are hashed (default `events`; a rewrite names the table it copies).
 */
export function coarseTransforms(database?: string, table?: string): Readonly<Record<string, string>> {
  return {
    ts: roundedTsSql('ts'),
    x: coarsePositionSql('x', database),
    y: coarsePositionSql('y', database),
    app: hashedAppSql('app', {database, table}),
  }
}

// ---- the profiles ----

/** Qualified, so coarse's rounded `ts` column (an alias) does not replace the stored one. */
const IN_TIME_ORDER = 'ORDER BY event_rows.ts, event_rows.seq'

/**
 * The SELECT for `profile` over the events matching `filter` (a time range; kinds if given).
 * Per-event profiles return rows in time order (ties in the order they were stored): `events` is a
 * view over the live and the compacted tables, so a plain scan would give them table by table. The
 * aggregate returns minutes in order. Parameters are `$name` placeholders, bound by the caller.
 */
export function profileSelect(profile: ProfileOrNone, filter: EventFilter = {}, options: ProfileOptions = {}): ProfileQuery {
  const {where, params} = eventWhere(filter)
  switch (profile) {
  case 'aggregate': {
    return aggregateSelect(where, params, options.idleSeconds ?? DEFAULT_IDLE_SECONDS)
  }

  case 'coarse': {
    const transforms = coarseTransforms()
    const columns = COARSE_COLUMNS.map(column => (transforms[column] ? `${transforms[column]} AS ${column}` : column))
    return {sql: `SELECT ${columns.join(', ')} FROM event_rows ${where} ${IN_TIME_ORDER}`, params}
  }

  case 'keys': {
    return {sql: `SELECT * EXCLUDE (key_code, seq) FROM event_rows ${where} ${IN_TIME_ORDER}`, params}
  }

  case 'none': {
    return {sql: `SELECT * EXCLUDE (seq) FROM event_rows ${where} ${IN_TIME_ORDER}`, params}
  }

  default: {
    throw new Error(`unknown profile ${String(profile)}`)
  }
  }
}

const MINUTE_MICROS = 60_000_000

/**
 * One row per UTC minute that has input or active time:
 * - `events`, `keys` (key presses), `keys_<class>` (presses by key class; `keys_unclassified` for
 *   presses recorded at `minimal`, which stores no class; the classes add up to `keys`),
 *   `clicks` (mouse_down), `wheel` (wheel events), `wheel_amount` (sum of notches),
 *   `mouse_moves`;
 * - `mouse_distance_px`: straight-line distance between consecutive recorded positions (any
 *   event with x and y, in recording order) of hook sessions (screen pixels), counted in the
 *   minute of the later position; `mouse_distance_counts`: the same for evdev sessions (device
 *   units of a position integrated from relative motion, steps within one session only). A step
 *   between two backends counts in neither (as in summarize: metrics-sql.ts);
 * - `active_seconds`: every gap between consecutive events shorter than `idle_seconds` is
 *   active; a gap spanning a minute boundary is split between the minutes it covers.
 * Everything is computed over the events in the range only, so the rows add up exactly to the
 * same totals computed on the raw events of that range.
 */
function aggregateSelect(where: string, params: QueryParams, idleSeconds: number): ProfileQuery {
  const classes = AGGREGATE_KEY_CLASS_COLUMNS.map(column => {
    const keyClass = column.slice('keys_'.length)
    const test = keyClass === 'unclassified' ? 'key_class IS NULL' : `key_class = '${keyClass}'`
    return `count(*) FILTER (WHERE kind = 'key_down' AND ${test}) AS ${column}`
  })
  // Two scans of `events` rather than one shared CTE: DuckDB would materialise a CTE used twice,
  // every column of every event, and the window below needs only four of them.
  const sql = `WITH counts AS (
  SELECT (epoch_us(ts) // ${MINUTE_MICROS}) * ${MINUTE_MICROS} AS m,
    count(*) AS events,
    count(*) FILTER (WHERE kind = 'key_down') AS keys,
    ${classes.join(',\n    ')},
    count(*) FILTER (WHERE kind = 'mouse_down') AS clicks,
    count(*) FILTER (WHERE kind = 'wheel') AS wheel,
    coalesce(sum(wheel_amount) FILTER (WHERE kind = 'wheel'), 0) AS wheel_amount,
    count(*) FILTER (WHERE kind = 'mouse_move') AS mouse_moves
  FROM events ${where} GROUP BY 1
),
ordered AS (
  -- One pass in recording order: the previous recorded position (its session and backend) and the next event's time.
  SELECT us, x, y, session_id, evdev, lead(us) OVER o AS next_us,
    lag(x IGNORE NULLS) OVER o AS px, lag(y IGNORE NULLS) OVER o AS py,
    lag(CASE WHEN x IS NOT NULL THEN session_id END IGNORE NULLS) OVER o AS p_session,
    lag(CASE WHEN x IS NOT NULL THEN evdev END IGNORE NULLS) OVER o AS p_evdev
  FROM (SELECT epoch_us(ts) AS us, seq, x, y, session_id, ${evdevRowSql()} AS evdev FROM event_rows ${where}) WINDOW o AS (ORDER BY us, seq)
),
distance AS (
  -- Summed as exact decimals (to a millionth of a unit): a sum of doubles depends on the order
  -- DuckDB's threads add them in, so the same export could differ in its last digits run to run.
  SELECT (us // ${MINUTE_MICROS}) * ${MINUTE_MICROS} AS m,
    coalesce(sum(step) FILTER (WHERE NOT evdev), 0) AS px,
    coalesce(sum(step) FILTER (WHERE evdev), 0) AS counts
  FROM (SELECT us, evdev, sqrt(power(x - px, 2) + power(y - py, 2))::DECIMAL(18, 6) AS step FROM ordered
    WHERE x IS NOT NULL AND y IS NOT NULL AND px IS NOT NULL AND py IS NOT NULL
      AND evdev = p_evdev AND (NOT evdev OR session_id = p_session))
  GROUP BY 1
),
gaps AS (
  SELECT us AS a, next_us AS b, (us // ${MINUTE_MICROS}) * ${MINUTE_MICROS} AS m FROM ordered WHERE next_us > us AND next_us - us < $idle_us
),
active AS (
  SELECT m, sum(us) AS us FROM (
    -- Most gaps end in the minute they start in; the few that cross a boundary are split.
    SELECT m, b - a AS us FROM gaps WHERE b <= m + ${MINUTE_MICROS}
    UNION ALL
    SELECT s, least(b, s + ${MINUTE_MICROS}) - greatest(a, s)
    -- range() as a lateral table function, not unnest() in the select list: the read-only guard
    -- (store/allowed-functions.ts) allows the former, and exposure.ts reads this SELECT through it.
    FROM (SELECT a, b, m FROM gaps WHERE b > m + ${MINUTE_MICROS}) g, range(g.m, g.b, ${MINUTE_MICROS}) AS minute_starts(s)
  ) GROUP BY 1
),
minutes AS (
  SELECT m FROM counts UNION SELECT m FROM distance UNION SELECT m FROM active
)
SELECT make_timestamp(minutes.m) AS minute,
  coalesce(c.events, 0)::INTEGER AS events,
  coalesce(c.keys, 0)::INTEGER AS keys,
  ${AGGREGATE_KEY_CLASS_COLUMNS.map(column => `coalesce(c.${column}, 0)::INTEGER AS ${column}`).join(',\n  ')},
  coalesce(c.clicks, 0)::INTEGER AS clicks,
  coalesce(c.wheel, 0)::INTEGER AS wheel,
  coalesce(c.wheel_amount, 0)::INTEGER AS wheel_amount,
  coalesce(c.mouse_moves, 0)::INTEGER AS mouse_moves,
  coalesce(d.px, 0)::DOUBLE AS mouse_distance_px,
  coalesce(d.counts, 0)::DOUBLE AS mouse_distance_counts,
  coalesce(a.us, 0) / 1e6 AS active_seconds
FROM minutes
LEFT JOIN counts c ON c.m = minutes.m
LEFT JOIN distance d ON d.m = minutes.m
LEFT JOIN active a ON a.m = minutes.m
ORDER BY minutes.m`
  return {sql, params: {...params, idle_us: Math.round(idleSeconds * 1e6)}}
}
