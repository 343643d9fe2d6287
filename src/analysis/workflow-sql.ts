/**
 * The workflow metrics (app switches, focus sessions, interruptions, resume time, shortcuts), in
 * SQL, in one place. The README's "Metrics" section and METRIC_DEFINITIONS say the same in words.
 *
 * They need the order of apps across the whole range, which per-slot sums cannot give. So input
 * is first cut into *pieces*: runs of consecutive actions (key_down, mouse_down, wheel) in one
 * app, cut wherever the app changes, wherever two actions are `split` or more apart, and at every
 * 15-minute slot boundary. Releases (key_up, mouse_up) are not actions: a release belongs to its
 * press, and after a shortcut like alt+tab it often lands in the window just focused. Mouse moves
 * are not actions either. Cutting at slot boundaries makes a slot's pieces depend on that slot's
 * events only, so the rollup (rollup_app_runs) stores them per slot and rebuilds them with the
 * other rollup tables; cutting at gaps of `split` (≤ idle_seconds) keeps every gap that could end a
 * focus session between pieces. Any such cutting gives the same answers: the query below glues
 * pieces back together in time order, which is why pieces from the rollup and from raw events
 * can be mixed freely.
 */
import {FOCUS_MIN_SECONDS, INTERRUPTION_MAX_SECONDS, SLOT_MICROS} from './metrics-sql.js'

/** The rollup cuts pieces at gaps of this many seconds; with a smaller idle_seconds pieces come from raw events. */
export const ROLLUP_SPLIT_SECONDS = 30
export const ACTION_KINDS = ['key_down', 'mouse_down', 'wheel'] as const
/** Modifiers that make a key press a shortcut (shift alone only changes the character). */
export const SHORTCUT_MODIFIERS = ['ctrl', 'alt', 'meta'] as const

const actionKinds = ACTION_KINDS.map(kind => `'${kind}'`).join(', ')

/** The columns of a piece, in rollup_app_runs and in the raw relation. */
export const PIECE_COLUMNS = 'slot, app, start_us, end_us, first_key_us, actions, shortcuts'

/** A stretch of raw events [from, to) to cut into pieces; `keep` false: read only as what came before the range. */
export interface PieceRange {
  from?: number
  to?: number
  keep: boolean
}

type Params = Record<string, number | string>

function rangeClause(index: number, range: PieceRange): string {
  const clauses: string[] = []
  if (range.from !== undefined) clauses.push(`ts >= make_timestamp($p${index}_from::BIGINT)`)
  if (range.to !== undefined) clauses.push(`ts < make_timestamp($p${index}_to::BIGINT)`)
  return clauses.length > 0 ? `(${clauses.join(' AND ')})` : 'true'
}

/**
 * CTEs (comma-separated, without WITH) ending in `raw_pieces` (PIECE_COLUMNS plus `keep`): the
 * events of `ranges` (in time order, not overlapping) cut into pieces at gaps of `$split` µs.
 */
export function rawPiecesSql(ranges: readonly PieceRange[], prefix = 'p'): {ctes: string; params: Params} {
  const params: Params = {}
  for (const [index, range] of ranges.entries()) {
    if (range.from !== undefined) params[`${prefix}${index}_from`] = range.from
    if (range.to !== undefined) params[`${prefix}${index}_to`] = range.to
  }

  const clause = (index: number, range: PieceRange): string => rangeClause(index, range).replaceAll('$p', `$${prefix}`)
  const read = ranges.length > 0 ? ranges.map((range, index) => clause(index, range)).join(' OR ') : 'false'
  const segment = ranges.length > 0 ? `CASE ${ranges.map((range, index) => `WHEN ${clause(index, range)} THEN ${index}`).join(' ')} END` : '0'
  const keep = ranges.length > 0 ? `CASE ${ranges.map((range, index) => `WHEN seg = ${index} THEN ${range.keep}`).join(' ')} END` : 'false'
  const modifiers = SHORTCUT_MODIFIERS.map(name => `'${name}'`).join(', ')
  const ctes = `
piece_actions AS (
  SELECT epoch_us(ts) AS t, seq AS rid, app, kind = 'key_down' AS kd,
    coalesce(kind = 'key_down' AND key_class IS DISTINCT FROM 'modifier'
      AND list_has_any(string_split(modifiers, '+'), [${modifiers}]), false) AS sc,
    ${segment} AS seg
  FROM event_rows
  WHERE kind IN (${actionKinds}) AND (${read})
),
piece_cuts AS (
  SELECT *, coalesce(
      lag(app) OVER w IS DISTINCT FROM app OR t - lag(t) OVER w >= $split OR lag(t // ${SLOT_MICROS}) OVER w <> t // ${SLOT_MICROS},
      true) AS cut
  FROM (SELECT *, make_timestamp((t // ${SLOT_MICROS}) * ${SLOT_MICROS}) AS ts_slot FROM piece_actions)
  WINDOW w AS (PARTITION BY seg ORDER BY t, rid)
),
piece_numbered AS (
  SELECT *, sum(cut::INTEGER) OVER (PARTITION BY seg ORDER BY t, rid ROWS UNBOUNDED PRECEDING) AS piece FROM piece_cuts
),
raw_pieces AS (
  SELECT min(ts_slot) AS slot, any_value(app) AS app, min(t) AS start_us, max(t) AS end_us,
    min(t) FILTER (WHERE kd) AS first_key_us, count(*)::BIGINT AS actions,
    count(*) FILTER (WHERE sc)::BIGINT AS shortcuts, ${keep} AS keep
  FROM piece_numbered GROUP BY seg, piece
)`
  return {ctes, params}
}

/** Where the pieces of one workflow query come from. */
export interface PieceSources {
  /** Raw event ranges: the counted ones (keep) and the stretch just before the range (not kept). */
  ranges: PieceRange[]
  /** Slots [from, to) whose pieces come from rollup_app_runs (all counted). */
  rollup?: {from?: number; to: number}
  /**
   * Find the last action (with an app) before this instant, however far back, as the predecessor
   * of the first one in the range. `coveredUntil`: the rollup's mark, when its pieces may be used.
   */
  before?: {at: number; coveredUntil: null | number}
  /** Cut at gaps of this many µs (≤ idle_seconds; ROLLUP_SPLIT_SECONDS when rollup pieces are mixed in). */
  splitMicros: number
}

function rollupPieces(rollup: PieceSources['rollup'], params: Params): string {
  if (!rollup) return ''
  let where = 'slot < make_timestamp($wr_to::BIGINT)'
  params.wr_to = rollup.to
  if (rollup.from !== undefined) {
    where += ' AND slot >= make_timestamp($wr_from::BIGINT)'
    params.wr_from = rollup.from
  }

  return `UNION ALL SELECT slot, app, epoch_us(start_ts), epoch_us(end_ts), epoch_us(first_key_ts), actions, shortcuts, true
    FROM rollup_app_runs WHERE ${where}`
}

/**
 * The one action before the range: the latest of (rollup pieces wholly before `at` in covered
 * slots) and (raw actions before `at` that the rollup does not hold). Slots straddling `at` are
 * read raw, so a piece that begins before `at` and ends after it is not missed.
 */
function beforePiece(before: PieceSources['before'], params: Params): string {
  if (!before) return ''
  params.wb_at = before.at
  const raw = `SELECT app, epoch_us(ts) AS t FROM events WHERE kind IN (${actionKinds}) AND app IS NOT NULL AND ts < make_timestamp($wb_at::BIGINT)`
  let candidates = `(${raw} ORDER BY ts DESC LIMIT 1)`
  if (before.coveredUntil !== null) {
    params.wb_raw_from = Math.min(before.coveredUntil, Math.floor(before.at / SLOT_MICROS) * SLOT_MICROS)
    candidates = `(${raw} AND ts >= make_timestamp($wb_raw_from::BIGINT) ORDER BY ts DESC LIMIT 1)
    UNION ALL (SELECT app, epoch_us(end_ts) AS t FROM rollup_app_runs
      WHERE app IS NOT NULL AND slot < make_timestamp($wb_raw_from::BIGINT) AND end_ts < make_timestamp($wb_at::BIGINT) ORDER BY end_ts DESC LIMIT 1)`
  }

  return `UNION ALL SELECT NULL::TIMESTAMP, app, t, t, NULL::BIGINT, 1::BIGINT, 0::BIGINT, false
    FROM (SELECT app, t FROM (${candidates}) ORDER BY t DESC LIMIT 1)`
}

/**
 * `wf_stretches` (app, start_us, end_us, focus) from the counted pieces of `pieces`: pieces glued
 * back together while the app stays the same (apps unknown are skipped) and no gap between them
 * is idle (idle_seconds or longer). `focus`: at least FOCUS_MIN_SECONDS from first to last action.
 */
function stretchesCte(pieces: string): string {
  return `wf_opens AS (
  SELECT *, (lag(app) OVER w IS DISTINCT FROM app OR start_us - lag(end_us) OVER w >= $idle * 1000000) AS opens
  FROM ${pieces} WHERE keep AND app IS NOT NULL
  WINDOW w AS (ORDER BY start_us, end_us)
),
wf_stretches AS (
  SELECT any_value(app) AS app, min(start_us) AS start_us, max(end_us) AS end_us,
    max(end_us) - min(start_us) >= ${FOCUS_MIN_SECONDS * 1_000_000} AS focus
  FROM (SELECT *, sum(opens::INTEGER) OVER (ORDER BY start_us, end_us ROWS UNBOUNDED PRECEDING) AS stretch FROM wf_opens)
  GROUP BY stretch
)`
}

/**
 * `name` (is_all, none, key, columns…): `aggregates` over `from`, overall (is_all) and, with the
 * app grouping set, per value of `by`. (is_all, none, key) is never NULL, so the relations join
 * with USING: the overall row and the group of actions without an app both have no app.
 */
function perGroup(name: string, {from, by, byApp}: {from: string; by: string; byApp: boolean}, aggregates: string): string {
  // GROUPING SETS (()) is one overall row (also over no rows), where grouping() is not allowed.
  return `${name} AS (
  SELECT ${byApp ? 'grouping(g) = 1 AS is_all, g IS NULL AS none, coalesce(g, \'\') AS key' : 'true AS is_all, true AS none, \'\' AS key'}, ${aggregates}
  FROM (SELECT *, ${by} AS g FROM ${from}) GROUP BY GROUPING SETS (()${byApp ? ', (g)' : ''})
)`
}

/**
 * The workflow metrics of the counted pieces, overall (`g` NULL, `is_all` true) and, with
 * `byApp`, per app (`is_all` false, `g` the app; NULL app: shortcuts only). Columns: switches_in
 * (the overall row: app_switches), switches_out, interruptions, resumes, resume_p50_ms, sessions,
 * session_median_us, session_longest_us, shortcuts. Parameters $idle (seconds).
 */
export function workflowQuery(sources: PieceSources, options: {idleSeconds: number; byApp: boolean}): {sql: string; params: Params} {
  const raw = rawPiecesSql(sources.ranges)
  const {byApp} = options
  const params: Params = {...raw.params, split: sources.splitMicros, idle: options.idleSeconds}
  const all = `SELECT ${PIECE_COLUMNS}, keep FROM raw_pieces ${rollupPieces(sources.rollup, params)} ${beforePiece(sources.before, params)}`
  const sql = `WITH ${raw.ctes},
wf_pieces AS MATERIALIZED (${all}),
wf_seq AS (
  SELECT *, lag(app) OVER w AS prev_app, lag(end_us) OVER w AS prev_end,
    lag(end_us) OVER (PARTITION BY app ORDER BY start_us, end_us) AS same_app_prev_end
  FROM wf_pieces WHERE app IS NOT NULL
  WINDOW w AS (ORDER BY start_us, end_us)
),
wf_flags AS MATERIALIZED (
  SELECT *, coalesce(prev_app <> app, false) AS switch,
    coalesce(prev_app <> app AND start_us - same_app_prev_end < ${INTERRUPTION_MAX_SECONDS * 1_000_000}, false) AS interruption
  FROM wf_seq
),
wf_runs AS (
  SELECT *, sum(switch::INTEGER) OVER (ORDER BY start_us, end_us ROWS UNBOUNDED PRECEDING) AS run FROM wf_flags
),
wf_resumes AS MATERIALIZED (
  SELECT any_value(app) FILTER (WHERE switch) AS app,
    ((min(first_key_us) - any_value(prev_end) FILTER (WHERE switch)) // 1000)::BIGINT AS ms
  FROM wf_runs GROUP BY run
  HAVING bool_or(switch AND keep) AND min(first_key_us) - any_value(prev_end) FILTER (WHERE switch) < $idle * 1000000
),
${stretchesCte('wf_pieces')},
wf_sessions AS MATERIALIZED (SELECT app, end_us - start_us AS us FROM wf_stretches WHERE focus),
${perGroup('wf_in', {from: 'wf_flags WHERE keep', by: 'app', byApp}, 'count(*) FILTER (WHERE switch) AS switches_in, count(*) FILTER (WHERE interruption) AS interruptions')},
${perGroup('wf_out', {from: 'wf_flags WHERE keep AND switch', by: 'prev_app', byApp}, 'count(*) AS switches_out')},
${perGroup('wf_res', {from: 'wf_resumes', by: 'app', byApp}, 'count(*) AS resumes, list_sort(list(ms))[(count(*) + 1) // 2] AS resume_p50_ms')},
${perGroup('wf_ses', {from: 'wf_sessions', by: 'app', byApp}, `count(*) AS sessions, list_sort(list(us))[(count(*) + 1) // 2] AS session_median_us,
    max(us) AS session_longest_us`)},
${perGroup('wf_sc', {from: 'wf_pieces WHERE keep', by: 'app', byApp}, 'sum(shortcuts) AS shortcuts')}
SELECT is_all, CASE WHEN NOT none THEN key END AS g, coalesce(switches_in, 0)::BIGINT AS switches_in,
  coalesce(switches_out, 0)::BIGINT AS switches_out, coalesce(interruptions, 0)::BIGINT AS interruptions,
  coalesce(resumes, 0)::BIGINT AS resumes, resume_p50_ms::BIGINT AS resume_p50_ms, coalesce(sessions, 0)::BIGINT AS sessions,
  session_median_us::BIGINT AS session_median_us, session_longest_us::BIGINT AS session_longest_us, coalesce(shortcuts, 0)::BIGINT AS shortcuts
FROM wf_sc FULL JOIN wf_in USING (is_all, none, key) FULL JOIN wf_out USING (is_all, none, key)
  FULL JOIN wf_res USING (is_all, none, key) FULL JOIN wf_ses USING (is_all, none, key)
ORDER BY is_all DESC, none, key`
  return {sql, params}
}

/**
 * The stretches the focus-sessions timeline draws: the same glued runs as focus sessions (one
 * app, no gap of idle_seconds), of at least `minSeconds`, that end at or after `fromMicros`.
 * Columns: app, start_us, end_us, focus (at least FOCUS_MIN_SECONDS long).
 */
export function stretchesQuery(sources: PieceSources, options: {idleSeconds: number; minSeconds: number; fromMicros: number}): {sql: string; params: Params} {
  const raw = rawPiecesSql(sources.ranges)
  const params: Params = {
    ...raw.params, split: sources.splitMicros, idle: options.idleSeconds, min_us: options.minSeconds * 1_000_000, from_us: options.fromMicros,
  }
  const sql = `WITH ${raw.ctes},
wf_pieces AS (SELECT ${PIECE_COLUMNS}, keep FROM raw_pieces ${rollupPieces(sources.rollup, params)}),
${stretchesCte('wf_pieces')}
SELECT app, start_us, end_us, focus FROM wf_stretches
WHERE end_us - start_us >= $min_us AND end_us >= $from_us
ORDER BY start_us`
  return {sql, params}
}
