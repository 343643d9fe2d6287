/**
 * Keystroke dynamics in SQL: hold time, flight time and digraphs, the timing features that
 * identify a typist. The per-event quantities (`hold_ms`, `flight_ms`, `digraph`, …) are defined
 * with the other metrics in derivedSql (metrics-sql.ts, rules in its header); here they are summed
 * per 15-minute slot (and app, for holds and flights) as histograms of whole milliseconds
 * (`raw_holds`, `raw_flights`, `raw_digraphs`), the same shape the rollup stores (rollup_holds, rollup_flights,
 * rollup_digraphs; migration 5), so the rollup gives exactly what raw events give and
 * idle_seconds is applied only when the histograms are read.
 */
import {
  derivedSql, type Grouping, MAX_IDLE_SECONDS, nearestRankSql, type RawWindow, rollupFilter, rollupParams,
  slotGroupExpr, type Sources, type SqlParams,
} from './metrics-sql.js'

export const HISTOGRAM_COLUMNS = 'slot, app, ms, n'
/** Digraphs are shown for a whole range, never per app, so their rollup has no app: up to 4× fewer rows to read. */
export const DIGRAPH_COLUMNS = 'slot, from_class, to_class, from_code, to_code, ms, n'

/** Sums of `raw_derived` shaped like the dynamics rollup tables. */
export const DYNAMICS_CTES = `
raw_holds AS (
  SELECT slot, app, hold_ms AS ms, count(*)::BIGINT AS n FROM raw_derived WHERE hold_ms IS NOT NULL GROUP BY ALL
),
raw_flights AS (
  SELECT slot, app, flight_ms AS ms, count(*)::BIGINT AS n
  FROM raw_derived WHERE flight_ms IS NOT NULL AND abs(flight_ms) < ${MAX_IDLE_SECONDS * 1000} GROUP BY ALL
),
raw_digraphs AS (
  SELECT slot, from_class, key_class AS to_class, from_code, to_code, (key_us // 1000)::INTEGER AS ms, count(*)::BIGINT AS n
  FROM raw_derived WHERE digraph GROUP BY ALL
)`

/** Each dynamics rollup table and the raw relation it stores (rollup.ts fills them from the same SQL). */
export const DYNAMICS_ROLLUP: ReadonlyArray<{table: string; relation: string; columns: string}> = [
  {table: 'rollup_holds', relation: 'raw_holds', columns: HISTOGRAM_COLUMNS},
  {table: 'rollup_flights', relation: 'raw_flights', columns: HISTOGRAM_COLUMNS},
  {table: 'rollup_digraphs', relation: 'raw_digraphs', columns: DIGRAPH_COLUMNS},
]

type Measure = 'digraphs' | 'flights' | 'holds'

/** Which values of each histogram count for a given idle_seconds ($idle). */
const COUNTED: Record<Measure, string> = {
  holds: 'true',
  flights: 'ms > -$idle * 1000 AND ms < $idle * 1000',
  digraphs: 'ms < $idle * 1000',
}

function rawRelations(windows: readonly RawWindow[]): {ctes: string; params: Record<string, number>} {
  const derived = derivedSql(windows)
  return {ctes: `${derived.ctes},\n${DYNAMICS_CTES}`, params: derived.params}
}

/** `all_<measure>`: the raw histogram plus, where the rollup covers the range, the stored one. */
function unionCte(measure: Measure, sources: Sources, materialized: boolean): string {
  const columns = measure === 'digraphs' ? DIGRAPH_COLUMNS : HISTOGRAM_COLUMNS
  const rollup = sources.rollup ? ` UNION ALL SELECT ${columns} FROM rollup_${measure} WHERE ${rollupFilter(sources.rollup)}` : ''
  return `all_${measure} AS${materialized ? ' MATERIALIZED' : ''} (SELECT ${columns} FROM raw_${measure}${rollup})`
}

export interface TimingOptions {
  idleSeconds: number
  timeZone: string
}

/** One grouping for timingQuery, and which timings it needs (the rhythm of the day needs holds only). */
export interface TimingRequest {
  grouping: Grouping
  measures: ReadonlyArray<'flights' | 'holds'>
}

/**
 * Hold and flight percentiles for each grouping, in one query: rows (grouping, g, measure
 * ('holds' | 'flights'), n, p50_ms, p90_ms), nearest-rank like the inter-key interval.
 */
export function timingQuery(sources: Sources, requests: readonly TimingRequest[], options: TimingOptions): {sql: string; params: SqlParams} {
  const raw = rawRelations(sources.windows)
  const ctes = [raw.ctes]
  for (const measure of ['holds', 'flights'] as const) {
    const uses = requests.filter(request => request.measures.includes(measure)).length
    if (uses > 0) ctes.push(unionCte(measure, sources, uses > 1))
  }

  const local = requests.map(request => request.grouping).filter(grouping => grouping !== 'all' && grouping !== 'app') as Array<Exclude<Grouping, 'all' | 'app'>>
  if (local.length > 0) {
    // 15-minute slots never straddle a local hour: map each slot to its groups once.
    ctes.push(`slot_map AS MATERIALIZED (SELECT slot, ${local.map(grouping => `${slotGroupExpr(grouping)} AS g_${grouping}`).join(', ')}
  FROM (SELECT DISTINCT slot FROM all_${requests.some(request => request.measures.includes('holds')) ? 'holds' : 'flights'}))`)
  }

  const selects: string[] = []
  for (const [index, {grouping, measures}] of requests.entries()) {
    const isLocal = grouping !== 'all' && grouping !== 'app'
    for (const measure of measures) {
      const name = `${measure}${index}`
      // Local groups: apps summed away before the join with slot_map, which then meets fewer rows.
      const source = isLocal
        ? `(SELECT m.g_${grouping} AS g, ms, n FROM (SELECT slot, ms, sum(n) AS n FROM all_${measure} WHERE ${COUNTED[measure]} GROUP BY 1, 2) a
    JOIN slot_map m ON m.slot = a.slot)`
        : `(SELECT ${grouping === 'all' ? '\'all\'' : 'app'} AS g, ms, n FROM all_${measure} WHERE ${COUNTED[measure]})`
      ctes.push(`${name}_h AS (SELECT g, ms, sum(n)::BIGINT AS n FROM ${source} GROUP BY 1, 2)`, `${name}_p AS (${nearestRankSql(`${name}_h`, 'n')})`)
      selects.push(`SELECT '${grouping}' AS grouping, g::VARCHAR AS g, '${measure}' AS measure, n, p50_ms, p90_ms FROM ${name}_p`)
    }
  }

  const params: SqlParams = {...raw.params, ...rollupParams(sources), idle: options.idleSeconds}
  if (local.length > 0) params.tz = options.timeZone
  return {sql: `WITH ${ctes.join(',\n')}\n${selects.join('\nUNION ALL\n')}\nORDER BY grouping, g NULLS LAST, measure`, params}
}

/**
 * Digraphs: count and nearest-rank p50 of the interval per pair (unordered: dynamics.ts sorts by
 * name). By key class, or with `byKey` by key code (only pairs where both rows have codes).
 */
export function digraphQuery(sources: Sources, idleSeconds: number, byKey: boolean): {sql: string; params: SqlParams} {
  const raw = rawRelations(sources.windows)
  const [from, to] = byKey ? ['from_code', 'to_code'] : ['from_class', 'to_class']
  const sql = `WITH ${raw.ctes}, ${unionCte('digraphs', sources, false)},
pairs AS (
  SELECT ${from}::VARCHAR || ' ' || ${to}::VARCHAR AS g, ms, n FROM (
    SELECT ${from}, ${to}, ms, sum(n)::BIGINT AS n
    FROM all_digraphs WHERE ${COUNTED.digraphs}${byKey ? ' AND from_code IS NOT NULL AND to_code IS NOT NULL' : ''} GROUP BY 1, 2, 3)
)
SELECT split_part(g, ' ', 1) AS "from", split_part(g, ' ', 2) AS "to", n AS count, p50_ms
FROM (${nearestRankSql('pairs', 'n')})`
  return {sql, params: {...raw.params, ...rollupParams(sources), idle: idleSeconds}}
}
