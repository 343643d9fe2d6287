/**
 * The metric definitions, in SQL, in one place. `summarize`, `report`, `demo` and the rollup
 * (rollup.ts) all use these; the README's "Metrics" section describes the same rules in words.
 *
 * Every gap, pointer step and inter-key interval belongs to the event that ENDS it: its time
 * range, its hour, day and app. The event before it is looked for in the whole database, so a
 * gap that began before --since counts when it ends inside the range. Whether a gap counts as
 * active depends on `idle_seconds` (a setting), so nothing here applies it: the per-event
 * quantities are summed per 15-minute slot, app and whole second of gap (or whole millisecond of
 * inter-key interval), and `idle_seconds` is applied when those sums are read. That is what lets
 * a stored rollup give exactly the answer the raw events give, for any `idle_seconds`.
 *
 * Definitions (µs = microseconds; "position rows" are mouse_move, mouse_down, mouse_up and wheel
 * rows that carry x and y):
 * - gap: time from the previous event (any kind) to this one.
 * - active time: the sum of gaps shorter than idle_seconds.
 * - hesitation: a gap of at least 2 s and less than 30 s that is also shorter than idle_seconds.
 * - step: straight-line distance from the previous position row to this one; it counts towards
 *   mouse distance when the two were recorded less than idle_seconds apart. Its unit depends on
 *   the session's capture backend (sessions.backend): screen pixels from the hook
 *   (mouse_distance_px), device units of a position integrated from relative motion from evdev
 *   (mouse_distance_counts). The two never mix: a step between rows of different backends is no
 *   step, and an evdev step needs both rows in one session (each run integrates from its own origin).
 *   A session without a row, or without a backend, is a hook session (as every one before migration 6).
 * - inter-key interval: time from the previous key_down to this key_down, in whole milliseconds
 *   (rounded down); it counts when shorter than idle_seconds. p50 and p90 are nearest-rank
 *   percentiles: the smallest interval that at least 50 % (90 %) of intervals do not exceed.
 * - typing burst: a run of at least 5 key_downs each less than 2 s after the one before; it is
 *   counted once, at its 5th key.
 * - correction ratio: key_downs of class `correction` / key_downs.
 * - hold: `hold_ms` of a key_up row (press to release of that key, paired at capture).
 * - flight: for a key_up with hold_ms, the key released just before it in the same session (by
 *   release time, so only backward looks are needed): this key's press (its release − hold_ms) −
 *   that key's release, in whole ms rounded down; negative when the keys overlapped. It counts
 *   when −idle_seconds < flight < idle_seconds.
 * - digraph: a key_down and the key_down before it, in the same session and app, less than
 *   DIGRAPH_MAX_MS (2 s) apart; its interval is the inter-key interval, its pair the two key
 *   classes (and the two key codes when both rows have one: level `full`).
 * The sums of hold, flight and digraph live in dynamics-sql.ts.
 */

/** The rollup's (and the raw sums') time unit. 15 minutes lines up with local hours and days in every time zone. */
export const SLOT_MICROS = 15 * 60 * 1_000_000
/** Gaps of this many seconds or more are all kept in one bucket: no idle_seconds can count them. */
export const MAX_IDLE_SECONDS = 86_400
export const BURST_KEYS = 5
export const BURST_GAP_MICROS = 2_000_000
export const HESITATION_MIN_SECONDS = 2
export const HESITATION_MAX_SECONDS = 30
/**
 * The longest hold capture stores (MAX_HOLD_MS in src/capture/key-pairing.ts). A flight can end
 * this long after its previous release plus idle_seconds, so lookbacks include it.
 */
export const MAX_HOLD_MICROS = 60_000_000
/** How far back a raw computation must look for the events before its window (see rawLookbackMicros). */
export const ROLLUP_LOOKBACK_MICROS = MAX_IDLE_SECONDS * 1_000_000 + Math.max(4 * BURST_GAP_MICROS + 1_000_000, MAX_HOLD_MICROS)
export const POSITION_KINDS = ['mouse_move', 'mouse_down', 'mouse_up', 'wheel'] as const
/** Workflow (workflow-sql.ts): focus sessions last at least this long; back within this long is an interruption. */
export const FOCUS_MIN_SECONDS = 5 * 60
export const INTERRUPTION_MAX_SECONDS = 2 * 60
/** Key presses further apart than this are not a digraph: the pair was not typed as one movement. */
export const DIGRAPH_MAX_MS = 2000

/**
 * How far before a window the raw SQL reads to find each event's predecessors. Anything further
 * back cannot change a metric: such a gap, step or interval is not shorter than idle_seconds, and
 * a key press more than 8 s before a burst's first key cannot be within 2 s of it, and a release
 * more than idle_seconds + the longest hold before another cannot start a counted flight.
 */
export function rawLookbackMicros(idleSeconds: number): number {
  return Math.max(idleSeconds * 1_000_000 + MAX_HOLD_MICROS, 4 * BURST_GAP_MICROS + 1_000_000)
}

export function floorSlot(micros: number): number {
  return Math.floor(micros / SLOT_MICROS) * SLOT_MICROS
}

export function ceilSlot(micros: number): number {
  return Math.ceil(micros / SLOT_MICROS) * SLOT_MICROS
}

/**
 * One stretch of raw events to compute from. Events in [from, to) are counted; events in
 * [lookbackFrom, from) are read only as the predecessors of those. Open ends are undefined.
 */
export interface RawWindow {
  lookbackFrom?: number
  from?: number
  to?: number
}

/** Named parameters for the windows: `$w0_lo`, `$w0_from`, `$w0_to`, … */
function windowParams(windows: readonly RawWindow[]): Record<string, number> {
  const params: Record<string, number> = {}
  for (const [index, window] of windows.entries()) {
    if (window.lookbackFrom !== undefined) params[`w${index}_lo`] = window.lookbackFrom
    if (window.from !== undefined) params[`w${index}_from`] = window.from
    if (window.to !== undefined) params[`w${index}_to`] = window.to
  }

  return params
}

function bounds(index: number, window: RawWindow, lower: 'from' | 'lo'): string {
  const clauses: string[] = []
  const low = lower === 'lo' ? window.lookbackFrom : window.from
  if (low !== undefined) clauses.push(`ts >= make_timestamp($w${index}_${lower}::BIGINT)`)
  if (window.to !== undefined) clauses.push(`ts < make_timestamp($w${index}_to::BIGINT)`)
  return clauses.length > 0 ? `(${clauses.join(' AND ')})` : 'true'
}

/**
 * SQL (a list of CTEs, comma-separated, without WITH) that reads raw events for `windows` (in
 * time order, not overlapping) and defines three relations shaped like the rollup tables:
 * `raw_slots`, `raw_gaps` and `raw_keys`. Each window computes its predecessors only within itself.
 */
export function rawSql(windows: readonly RawWindow[]): {ctes: string; params: Record<string, number>} {
  const derived = derivedSql(windows)
  return {ctes: `${derived.ctes},\n${AGGREGATE_CTES}`, params: derived.params}
}

/** The per-event part of rawSql: CTEs ending in `raw_derived` (one row per counted event). */
export function derivedSql(windows: readonly RawWindow[]): {ctes: string; params: Record<string, number>} {
  const read = windows.map((window, index) => bounds(index, window, 'lo')).join(' OR ')
  const keep = windows.length > 0 ? windows.map((window, index) => bounds(index, window, 'from')).join(' OR ') : 'false'
  // Windows are ordered and disjoint, so a window's number is how many later windows start after ts.
  const seg = windows.length <= 1
    ? '0'
    : windows.slice(1).map((window, index) => `(ts >= make_timestamp($w${index + 1}_lo::BIGINT))::INTEGER`).join(' + ')
  const positions = POSITION_KINDS.map(kind => `'${kind}'`).join(', ')
  const ctes = `
evdev_sessions AS (SELECT id FROM sessions WHERE backend = 'evdev'),
raw_read AS (
  SELECT epoch_us(ts) AS t, seq AS rid, kind, key_class, key_code, x, y, app, session_id, hold_ms,
    session_id IN (SELECT id FROM evdev_sessions) AS evdev,
    ${seg} AS seg,
    (${keep}) AS keep,
    (kind IN (${positions}) AND x IS NOT NULL AND y IS NOT NULL) AS pos,
    kind = 'key_down' AS kd,
    (kind = 'key_up' AND hold_ms IS NOT NULL) AS ku
  FROM event_rows
  WHERE ${windows.length > 0 ? read : 'false'}
),
raw_lagged AS (
  SELECT t, kind, key_class, key_code, app, session_id, hold_ms, keep, pos, kd, ku, x, y, evdev,
    t - lag(t) OVER w_all AS gap_us,
    lag(t) OVER w_pos AS pos_t, lag(x) OVER w_pos AS pos_x, lag(y) OVER w_pos AS pos_y,
    lag(evdev) OVER w_pos AS pos_evdev, lag(session_id) OVER w_pos AS pos_session,
    lag(t, 1) OVER w_key AS k1, lag(t, 2) OVER w_key AS k2, lag(t, 3) OVER w_key AS k3,
    lag(t, 4) OVER w_key AS k4, lag(t, 5) OVER w_key AS k5,
    lag(key_class) OVER w_key AS k1_class, lag(key_code) OVER w_key AS k1_code,
    lag(app) OVER w_key AS k1_app, lag(session_id) OVER w_key AS k1_session,
    lag(t) OVER w_up AS up_prev
  FROM raw_read
  WINDOW w_all AS (PARTITION BY seg ORDER BY t, rid),
    w_pos AS (PARTITION BY seg, pos ORDER BY t, rid),
    w_key AS (PARTITION BY seg, kd ORDER BY t, rid),
    w_up AS (PARTITION BY seg, ku, session_id ORDER BY t, rid)
),
raw_stepped AS (
  SELECT *, pos AND evdev = pos_evdev AND (NOT evdev OR session_id = pos_session) AS step,
    sqrt(((x - pos_x)::DOUBLE) ** 2 + ((y - pos_y)::DOUBLE) ** 2) AS step_length
  FROM raw_lagged
),
raw_derived AS (
  SELECT make_timestamp((t // ${SLOT_MICROS}) * ${SLOT_MICROS}) AS slot, app, t, kind, key_class, kd,
    gap_us,
    CASE WHEN step THEN t - pos_t END AS step_us,
    CASE WHEN step THEN (CASE WHEN evdev THEN 0 ELSE step_length END) END AS step_px,
    CASE WHEN step THEN (CASE WHEN evdev THEN step_length ELSE 0 END) END AS step_counts,
    CASE WHEN kd THEN t - k1 END AS key_us,
    coalesce(kd AND t - k1 < ${BURST_GAP_MICROS} AND k1 - k2 < ${BURST_GAP_MICROS} AND k2 - k3 < ${BURST_GAP_MICROS}
      AND k3 - k4 < ${BURST_GAP_MICROS} AND (k5 IS NULL OR k4 - k5 >= ${BURST_GAP_MICROS}), false) AS burst,
    CASE WHEN ku THEN hold_ms END AS hold_ms,
    CASE WHEN ku THEN floor((t - hold_ms * 1000 - up_prev) / 1000)::INTEGER END AS flight_ms,
    coalesce(kd AND t - k1 < ${DIGRAPH_MAX_MS * 1000} AND session_id = k1_session AND app IS NOT DISTINCT FROM k1_app
      AND key_class IS NOT NULL AND k1_class IS NOT NULL, false) AS digraph,
    k1_class AS from_class,
    CASE WHEN key_code IS NOT NULL AND k1_code IS NOT NULL THEN k1_code END AS from_code,
    CASE WHEN key_code IS NOT NULL AND k1_code IS NOT NULL THEN key_code END AS to_code
  FROM raw_stepped
  WHERE keep
)`
  return {ctes, params: windowParams(windows)}
}

/** Sums of `raw_derived` shaped like the rollup tables: `raw_slots`, `raw_gaps`, `raw_keys`. */
export const AGGREGATE_CTES = `
raw_slots AS (
  SELECT slot, app,
    count(*)::BIGINT AS events,
    count(*) FILTER (WHERE kd)::BIGINT AS keys,
    count(*) FILTER (WHERE kd AND key_class = 'correction')::BIGINT AS corrections,
    count(*) FILTER (WHERE kind = 'mouse_down')::BIGINT AS clicks,
    count(*) FILTER (WHERE kind = 'wheel')::BIGINT AS wheel,
    count(*) FILTER (WHERE burst)::BIGINT AS bursts,
    min(t) AS first_us, max(t) AS last_us
  FROM raw_derived GROUP BY slot, app
),
raw_gaps AS (
  SELECT slot, app, least(dt // 1000000, ${MAX_IDLE_SECONDS})::INTEGER AS seconds,
    count(*) FILTER (WHERE is_gap)::BIGINT AS gaps,
    coalesce(sum(dt) FILTER (WHERE is_gap), 0)::BIGINT AS gap_us,
    count(*) FILTER (WHERE NOT is_gap)::BIGINT AS steps,
    coalesce(sum(px) FILTER (WHERE NOT is_gap), 0)::DOUBLE AS step_px,
    coalesce(sum(counts) FILTER (WHERE NOT is_gap), 0)::DOUBLE AS step_counts
  FROM (
    SELECT slot, app, gap_us AS dt, NULL::DOUBLE AS px, NULL::DOUBLE AS counts, true AS is_gap FROM raw_derived WHERE gap_us IS NOT NULL
    UNION ALL
    SELECT slot, app, step_us, step_px, step_counts, false FROM raw_derived WHERE step_us IS NOT NULL
  )
  GROUP BY ALL
),
raw_keys AS (
  SELECT slot, app, (key_us // 1000)::INTEGER AS ms, count(*)::BIGINT AS n
  FROM raw_derived
  WHERE key_us IS NOT NULL AND key_us < ${MAX_IDLE_SECONDS}::BIGINT * 1000000
  GROUP BY ALL
)`

/** The column lists shared by the raw relations and the rollup tables. */
export const SLOT_COLUMNS = 'slot, app, events, keys, corrections, clicks, wheel, bursts, first_us, last_us'
export const GAP_COLUMNS = 'slot, app, seconds, gaps, gap_us, steps, step_px, step_counts'
export const KEY_COLUMNS = 'slot, app, ms, n'

/** How results are grouped. `hour` is the hour of the day (00–23) and `weekday_hour` "w-HH" (0 = Sunday), both local. */
export type Grouping = 'all' | 'app' | 'day' | 'hour' | 'weekday_hour'

/** The group of a slot in local time ($tz): slots are 15 minutes, so they never straddle a local hour. */
export function slotGroupExpr(grouping: Exclude<Grouping, 'all' | 'app'>): string {
  const local = 'timezone($tz, timezone(\'UTC\', slot))'
  switch (grouping) {
  case 'day': {
    return `strftime(${local}, '%Y-%m-%d')`
  }

  case 'hour': {
    return `strftime(${local}, '%H')`
  }

  default: {
    return `strftime(${local}, '%w-%H')`
  }
  }
}

export interface Sources {
  /** Raw windows to compute from events. */
  windows: RawWindow[]
  /** The slot range [from, to) to take from the rollup tables, when any. */
  rollup?: {from?: number; to: number}
}

export function rollupFilter(rollup: Sources['rollup']): string {
  if (!rollup) return 'false'
  const lower = rollup.from === undefined ? '' : 'slot >= make_timestamp($r_from::BIGINT) AND '
  return `${lower}slot < make_timestamp($r_to::BIGINT)`
}

export interface QueryOptions {
  idleSeconds: number
  /** IANA time zone for local hours and days. */
  timeZone: string
}

export type SqlParams = Record<string, number | string>

/**
 * Nearest-rank p50 and p90 per group `g` of a histogram relation (g, ms, n): the smallest `ms`
 * that at least 50 % (90 %) of the counted values do not exceed. Columns g, <count>, p50_ms, p90_ms.
 */
export function nearestRankSql(histogram: string, count: string): string {
  return `SELECT g, max(total)::BIGINT AS ${count},
    min(ms) FILTER (WHERE c >= (total + 1) // 2) AS p50_ms,
    min(ms) FILTER (WHERE c >= (9 * total + 9) // 10) AS p90_ms
  FROM (SELECT g, ms, sum(n) OVER (PARTITION BY g ORDER BY ms) AS c, sum(n) OVER (PARTITION BY g) AS total FROM ${histogram})
  GROUP BY g`
}

/** One grouping to compute in a metrics query, with or without inter-key percentiles. */
export interface GroupingRequest {
  grouping: Grouping
  percentiles: boolean
}

/**
 * One SELECT that computes every metric for each requested grouping from the chosen sources,
 * reading the sources once: columns `grouping`, `g` (the group), events, keys, corrections,
 * clicks, wheel, bursts, first_us, last_us, active_us, hesitations, hesitation_us, distance_px,
 * distance_counts, intervals, p50_ms, p90_ms. Parameters: $idle (seconds) and, for local groupings, $tz.
 */
export function metricsQuery(sources: Sources, requests: readonly GroupingRequest[], options: QueryOptions): {sql: string; params: SqlParams} {
  const raw = rawSql(sources.windows)
  const withRollup = sources.rollup !== undefined
  const filter = rollupFilter(sources.rollup)
  const uses = (name: 'gaps' | 'keys' | 'slots'): number => (name === 'keys' ? requests.filter(r => r.percentiles).length : requests.length)
  // A relation read by several groupings is computed once.
  const union = (name: 'gaps' | 'keys' | 'slots', columns: string, table: string, tableColumns = columns): string => {
    const materialized = uses(name) > 1 ? ' MATERIALIZED' : ''
    return withRollup
      ? `all_${name} AS${materialized} (SELECT ${columns} FROM raw_${name} UNION ALL SELECT ${tableColumns} FROM ${table} WHERE ${filter})`
      : `all_${name} AS${materialized} (SELECT ${columns} FROM raw_${name})`
  }

  const local = requests.filter(r => r.grouping !== 'all' && r.grouping !== 'app').map(r => r.grouping as Exclude<Grouping, 'all' | 'app'>)
  const ctes: string[] = [
    raw.ctes,
    union('slots', SLOT_COLUMNS, 'rollup_slots', 'slot, app, events, keys, corrections, clicks, wheel, bursts, epoch_us(first_ts), epoch_us(last_ts)'),
    union('gaps', GAP_COLUMNS, 'rollup_gaps'),
  ]
  if (uses('keys') > 0) ctes.push(union('keys', KEY_COLUMNS, 'rollup_key_intervals'))
  if (local.length > 0) {
    ctes.push(`slot_map AS MATERIALIZED (SELECT slot, ${local.map(grouping => `${slotGroupExpr(grouping)} AS g_${grouping}`).join(', ')}
  FROM (SELECT DISTINCT slot FROM all_slots))`)
  }

  const selects: string[] = []
  for (const [index, {grouping, percentiles}] of requests.entries()) {
    const isLocal = grouping !== 'all' && grouping !== 'app'
    const groupOf = grouping === 'all' ? '\'all\'' : (isLocal ? `m.g_${grouping}` : 'a.app')
    const join = isLocal ? 'JOIN slot_map m ON m.slot = a.slot' : ''
    const hesitation = `seconds >= ${HESITATION_MIN_SECONDS} AND seconds < ${HESITATION_MAX_SECONDS} AND seconds < $idle`
    ctes.push(`s${index} AS (
  SELECT ${groupOf} AS g, sum(events)::BIGINT AS events, sum(keys)::BIGINT AS keys, sum(corrections)::BIGINT AS corrections,
    sum(clicks)::BIGINT AS clicks, sum(wheel)::BIGINT AS wheel, sum(bursts)::BIGINT AS bursts,
    min(first_us) AS first_us, max(last_us) AS last_us
  FROM all_slots a ${join} GROUP BY 1
)`, `gp${index} AS (
  SELECT ${groupOf} AS g,
    coalesce(sum(gap_us) FILTER (WHERE seconds < $idle), 0)::BIGINT AS active_us,
    coalesce(sum(gaps) FILTER (WHERE ${hesitation}), 0)::BIGINT AS hesitations,
    coalesce(sum(gap_us) FILTER (WHERE ${hesitation}), 0)::BIGINT AS hesitation_us,
    coalesce(sum(step_px) FILTER (WHERE seconds < $idle), 0)::DOUBLE AS distance_px,
    coalesce(sum(step_counts) FILTER (WHERE seconds < $idle), 0)::DOUBLE AS distance_counts
  FROM all_gaps a ${join} GROUP BY 1
)`)
    if (percentiles) {
      ctes.push(`kh${index} AS (
  SELECT ${groupOf} AS g, ms, sum(n)::BIGINT AS n
  FROM all_keys a ${join} WHERE ms < $idle * 1000 GROUP BY 1, 2
)`, `kp${index} AS (${nearestRankSql(`kh${index}`, 'intervals')})`)
    }

    const keyColumns = percentiles
      ? `coalesce(kp.intervals, 0) AS intervals, kp.p50_ms, kp.p90_ms
  FROM s${index} s LEFT JOIN gp${index} gp ON gp.g IS NOT DISTINCT FROM s.g LEFT JOIN kp${index} kp ON kp.g IS NOT DISTINCT FROM s.g`
      : `0::BIGINT AS intervals, NULL::INTEGER AS p50_ms, NULL::INTEGER AS p90_ms
  FROM s${index} s LEFT JOIN gp${index} gp ON gp.g IS NOT DISTINCT FROM s.g`
    selects.push(`SELECT '${grouping}' AS grouping, s.g::VARCHAR AS g, s.events, s.keys, s.corrections, s.clicks, s.wheel, s.bursts, s.first_us, s.last_us,
  coalesce(gp.active_us, 0) AS active_us, coalesce(gp.hesitations, 0) AS hesitations,
  coalesce(gp.hesitation_us, 0) AS hesitation_us, coalesce(gp.distance_px, 0) AS distance_px,
  coalesce(gp.distance_counts, 0) AS distance_counts,
  ${keyColumns}`)
  }

  const sql = `WITH ${ctes.join(',\n')}
SELECT * FROM (${selects.join('\nUNION ALL\n')})
ORDER BY grouping, g NULLS LAST`
  const params: SqlParams = {...raw.params, ...rollupParams(sources), idle: options.idleSeconds}
  if (local.length > 0) params.tz = options.timeZone
  return {sql, params}
}

export function rollupParams(sources: Sources): SqlParams {
  const params: SqlParams = {}
  if (sources.rollup) {
    if (sources.rollup.from !== undefined) params.r_from = sources.rollup.from
    params.r_to = sources.rollup.to
  }

  return params
}

/**
 * The inter-key interval distribution, for the cadence chart: counts per `bucketMs`-wide bin
 * below `maxMs`, and one bin (`ms` = maxMs) for everything from maxMs up to idle_seconds.
 */
export function cadenceQuery(sources: Sources, idleSeconds: number, bucketMs: number, maxMs: number): {sql: string; params: SqlParams} {
  const raw = rawSql(sources.windows)
  const filter = rollupFilter(sources.rollup)
  const rollupPart = sources.rollup ? `UNION ALL SELECT ms, n FROM rollup_key_intervals WHERE ${filter}` : ''
  const sql = `WITH ${raw.ctes}
SELECT least((ms // ${Math.trunc(bucketMs)}) * ${Math.trunc(bucketMs)}, ${Math.trunc(maxMs)})::INTEGER AS ms, sum(n)::BIGINT AS n
FROM (SELECT ms, n FROM raw_keys ${rollupPart})
WHERE ms < $idle * 1000
GROUP BY 1 ORDER BY 1`
  return {sql, params: {...raw.params, ...rollupParams(sources), idle: idleSeconds}}
}

/** The definitions in words (the report's metric table; the README says the same). */
export const METRIC_DEFINITIONS: ReadonlyArray<{json: string; label: string; definition: string}> = [
  {
    json: 'active_seconds', label: 'Active time', definition:
      'Sum of the gaps between consecutive events (any kind) that are shorter than idle_seconds (default '
      + '180 s). Each gap belongs to the event that ends it.',
  },
  {
    json: 'keys', label: 'Keys', definition:
      'Key presses: the number of key_down events.',
  },
  {
    json: 'keys_per_active_minute', label: 'Keys per active minute', definition:
      'keys ÷ (active_seconds ÷ 60).',
  },
  {
    json: 'inter_key_ms.p50 / .p90', label: 'Inter-key interval', definition:
      'Time from one key_down to the next, in whole milliseconds, counted when shorter than idle_seconds. '
      + 'p50/p90: nearest-rank percentiles (the smallest interval that at least 50 % / 90 % of intervals do '
      + 'not exceed).',
  },
  {
    json: 'hold_ms.p50 / .p90', label: 'Hold time', definition:
      'How long a key stays down, press to release of the same key, in ms: hold_ms on key_up rows (levels '
      + 'standard and full; paired by key code as input arrives, the code itself is not stored). Nearest-rank p50/p90.',
  },
  {
    json: 'flight_ms.p50 / .p90', label: 'Flight time', definition:
      'For each key release with a hold time, the key released just before it in the same session: this key\'s '
      + 'press (release − hold) minus that key\'s release, in whole ms rounded down; negative when the two keys '
      + 'were down at once. Counted when between −idle_seconds and +idle_seconds. Nearest-rank p50/p90.',
  },
  {
    json: 'digraphs[].from / .to / .count / .p50_ms', label: 'Digraphs', definition:
      `Pairs of consecutive key_downs in the same session and app, less than ${DIGRAPH_MAX_MS / 1000} s apart (and `
      + 'shorter than idle_seconds), grouped by the key classes of the two keys (with summarize --by-key, by key, '
      + 'on rows that store key codes: level full): how many, and the nearest-rank median interval. Most frequent first.',
  },
  {
    json: 'rhythm.by_hour[]', label: 'Rhythm by hour', definition:
      'For each local hour of the day (0–23, all days together): inter_key_p50_ms, hold_p50_ms and '
      + 'correction_ratio, as defined here, of the key presses in that hour.',
  },
  {
    json: 'bursts', label: 'Typing bursts', definition:
      `Runs of at least ${BURST_KEYS} key_downs, each less than ${BURST_GAP_MICROS / 1e6} s after the one `
      + 'before; each run counts once.',
  },
  {
    json: 'hesitations.count / .seconds', label: 'Hesitations', definition:
      `Gaps between consecutive events of at least ${HESITATION_MIN_SECONDS} s and less than `
      + `${HESITATION_MAX_SECONDS} s (and shorter than idle_seconds): how many, and their total length.`,
  },
  {
    json: 'correction_ratio', label: 'Correction ratio', definition:
      'key_downs of class correction (backspace, delete) ÷ key_downs.',
  },
  {
    json: 'clicks', label: 'Clicks', definition:
      'Button presses: the number of mouse_down events.',
  },
  {
    json: 'mouse_distance_px', label: 'Mouse distance', definition:
      'Sum of straight-line distances in screen pixels between consecutive recorded positions (mouse_move, '
      + 'mouse_down, mouse_up and wheel rows with x and y) of sessions captured by the hook backend (X11, '
      + 'macOS, Windows), counting a step only when the two were recorded less than idle_seconds apart.',
  },
  {
    json: 'mouse_distance_counts', label: 'Mouse distance (device units)', definition:
      'The same sum for sessions captured by the evdev backend, where positions are integrated from the '
      + 'devices\' relative motion: in device units (mouse counts), not pixels, so never added to '
      + 'mouse_distance_px. Steps count within one session only.',
  },
  {
    json: 'wheel', label: 'Scrolling', definition:
      'Wheel events (one per notch or report), and scroll_per_active_minute = wheel ÷ (active_seconds ÷ '
      + '60).',
  },
  // Workflow (workflow-sql.ts). An action is a key press (key_down), a click (mouse_down) or a wheel event.
  {
    json: 'workflow.app_switches', label: 'App switches', definition:
      'Changes of app between consecutive actions (key presses, clicks, wheel events) in time order. Releases '
      + '(key_up, mouse_up) do not count: a release belongs to its press, and after alt+tab it lands in the window '
      + 'just focused. Mouse moves and actions without an app are skipped. A switch belongs to the action that ends '
      + 'it; the action before it is looked for however far back. With --by app: switches_in and switches_out.',
  },
  {
    json: 'workflow.focus_sessions', label: 'Focus sessions', definition:
      'Stretches of actions in one app, ended by a switch or by a gap of idle_seconds or more, lasting at least '
      + `${FOCUS_MIN_SECONDS / 60} min from first to last action: how many, the median (nearest-rank) and the longest, `
      + 'in seconds. Stretches are cut at the edges of the range.',
  },
  {
    json: 'workflow.interruptions', label: 'Interruptions', definition:
      `Switches back into an app less than ${INTERRUPTION_MAX_SECONDS / 60} min after its last action (away and back). `
      + 'Each return counts, for the app returned to.',
  },
  {
    json: 'workflow.resume_ms.p50', label: 'Resume time', definition:
      'After a switch, the time from the last action in the previous app to the first key press in the new one '
      + '(before the next switch), in whole milliseconds; counted when shorter than idle_seconds. p50: nearest-rank '
      + 'median; count: the switches that had one.',
  },
  {
    json: 'workflow.shortcuts', label: 'Shortcuts', definition:
      'Key presses with ctrl, alt or meta held (not presses of the modifier keys themselves; shift alone is typing). '
      + 'shortcuts_per_click = shortcuts ÷ clicks, null without clicks: keyboard versus mouse navigation.',
  },
]
