import type {JsonValue} from '../core/values.js'
import type {QueryParams} from '../store/query-stream.js'
import type {Store} from '../store/store.js'

import {isoFromMicros} from '../core/values.js'
import {
  type Digraph, digraphs, groupKey, type KeyTimings, NO_TIMINGS, rhythmByHour, type RhythmHour, timingsByGroup,
} from './dynamics.js'
import {
  cadenceQuery, ceilSlot, floorSlot, type Grouping, type GroupingRequest, metricsQuery, rawLookbackMicros, type Sources,
} from './metrics-sql.js'
import {
  type AppWorkflow, computeWorkflow, emptyAppWorkflow, type Workflow,
} from './workflow.js'

/** All the analysis needs from a Store: read-only queries (through the daemon or from the file). */
export type Reader = Pick<Store, 'query'>

/** The metrics of one group (or of everything). JSON names follow SPEC.md. */
export interface Metrics extends KeyTimings {
  events: number
  active_seconds: number
  keys: number
  keys_per_active_minute: null | number
  inter_key_ms: {p50: null | number; p90: null | number; intervals: number}
  bursts: number
  hesitations: {count: number; seconds: number}
  corrections: number
  correction_ratio: null | number
  clicks: number
  wheel: number
  scroll_per_active_minute: null | number
  /** Pointer travel in screen pixels: hook sessions only. */
  mouse_distance_px: number
  /** Pointer travel in device units, integrated from relative motion: evdev sessions only. */
  mouse_distance_counts: number
  first_event: null | string
  last_event: null | string
}

export type Breakdown = 'app' | 'day' | 'hour'

export interface SummaryOptions {
  sinceMicros?: number
  untilMicros?: number
  idleSeconds: number
  /** IANA zone for hours and days; default: this process's. */
  timeZone?: string
  by?: Breakdown
  /** Also compute the chart series (hour of day, days, cadence). Default true. */
  charts?: boolean
  /** Use the rollup where it covers the range (default true); false computes everything from raw events. */
  rollup?: boolean
  /** Also list digraphs by key (rows with key codes only). */
  byKey?: boolean
}

export interface HourPoint {hour: number; keys: number; clicks: number; active_seconds: number}
export interface DayPoint {day: string; keys: number; clicks: number; active_seconds: number; mouse_distance_px: number}
export interface CadenceBin {from_ms: number; to_ms: null | number; count: number}

export interface Summary {
  range: {since: null | string; until: null | string}
  idle_seconds: number
  time_zone: string
  totals: Metrics
  by: Breakdown | null
  groups: Array<Metrics & {group: null | string; workflow?: AppWorkflow}>
  hour_of_day: HourPoint[]
  days: DayPoint[]
  cadence: CadenceBin[]
  // Workflow metrics (workflow.ts): the whole range, and per app group with `--by app`.
  workflow: Workflow
  // Keystroke dynamics (issue 13): hold_ms and flight_ms are in totals and groups (KeyTimings).
  /** Key-class pairs, most frequent first. */
  digraphs: Digraph[]
  /** Key pairs (with `byKey`; null without), most frequent first. */
  digraphs_by_key: Digraph[] | null
  rhythm: {by_hour: RhythmHour[]}
  /** Where the numbers came from: whole slots from the rollup up to this instant, the rest from raw events. */
  rollup_until: null | string
}

export const CADENCE_BIN_MS = 50
export const CADENCE_MAX_MS = 1000

export function localTimeZone(): string {
  return new Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC'
}

/** All rows of a query as objects. */
export async function collect(store: Reader, sql: string, params: QueryParams = {}): Promise<Array<Record<string, JsonValue>>> {
  const rows: Array<Record<string, JsonValue>> = []
  for await (const batch of store.query(sql, params)) {
    for (const row of batch.rows) {
      const object: Record<string, JsonValue> = {}
      for (const [index, column] of batch.columns.entries()) object[column] = row[index]
      rows.push(object)
    }
  }

  return rows
}

/** How far the rollup reaches (µs), or null when this database has none. */
export async function rollupCoverage(store: Reader): Promise<null | number> {
  const [table] = await collect(store, 'SELECT count(*)::INTEGER AS n FROM duckdb_tables() WHERE schema_name = \'main\' AND table_name = \'rollup_state\'')
  if (Number(table?.n) === 0) return null
  const [state] = await collect(store, 'SELECT epoch_us(covered_until) AS w FROM rollup_state LIMIT 1')
  return state ? Number(state.w) : null
}

/**
 * Which slots come from the rollup and which events are read raw. Whole slots inside the range
 * and before the rollup's mark come from the rollup; the partial slots at either end, and
 * everything after the mark, are computed from events (with enough events before each stretch
 * to find every predecessor that can matter).
 */
export function planSources(coveredUntil: null | number, since: number | undefined, until: number | undefined, idleSeconds: number): Sources {
  const lookback = rawLookbackMicros(idleSeconds)
  const everything: Sources = {windows: [{lookbackFrom: since === undefined ? undefined : since - lookback, from: since, to: until}]}
  if (coveredUntil === null) return everything
  const a = since === undefined ? undefined : ceilSlot(since)
  const b = until === undefined ? coveredUntil : Math.min(floorSlot(until), coveredUntil)
  if (a !== undefined && (a >= b || b - lookback < a)) return everything
  const windows: Sources['windows'] = []
  if (since !== undefined && a !== undefined && since < a) windows.push({lookbackFrom: since - lookback, from: since, to: a})
  if (until === undefined || b < until) windows.push({lookbackFrom: b - lookback, from: b, to: until})
  return {windows, rollup: {from: a, to: b}}
}

function round(value: number, digits: number): number {
  const scale = 10 ** digits
  return Math.round(value * scale) / scale
}

function n(value: JsonValue | undefined): number {
  return value === null || value === undefined ? 0 : Number(value)
}

function optional(value: JsonValue | undefined): null | number {
  return value === null || value === undefined ? null : Number(value)
}

export function metricsFromRow(row: Record<string, JsonValue> | undefined, timings: KeyTimings = NO_TIMINGS): Metrics {
  const activeSeconds = n(row?.active_us) / 1e6
  const activeMinutes = activeSeconds / 60
  const keys = n(row?.keys)
  const wheel = n(row?.wheel)
  const first = optional(row?.first_us)
  const last = optional(row?.last_us)
  return {
    events: n(row?.events),
    active_seconds: round(activeSeconds, 3),
    keys,
    keys_per_active_minute: activeMinutes > 0 ? round(keys / activeMinutes, 2) : null,
    inter_key_ms: {p50: optional(row?.p50_ms), p90: optional(row?.p90_ms), intervals: n(row?.intervals)},
    bursts: n(row?.bursts),
    hesitations: {count: n(row?.hesitations), seconds: round(n(row?.hesitation_us) / 1e6, 3)},
    corrections: n(row?.corrections),
    correction_ratio: keys > 0 ? round(n(row?.corrections) / keys, 4) : null,
    clicks: n(row?.clicks),
    wheel,
    scroll_per_active_minute: activeMinutes > 0 ? round(wheel / activeMinutes, 2) : null,
    mouse_distance_px: round(n(row?.distance_px), 1),
    mouse_distance_counts: round(n(row?.distance_counts), 1),
    first_event: first === null ? null : isoFromMicros(first),
    last_event: last === null ? null : isoFromMicros(last),
    ...timings,
  }
}

export interface MetricsContext {
  store: Reader
  sources: Sources
  idleSeconds: number
  timeZone: string
}

/** Metrics per group for each requested grouping, in one query: rows straight from SQL (see metricsQuery). */
export async function groupRows(context: MetricsContext, requests: readonly GroupingRequest[]): Promise<Map<Grouping, Array<Record<string, JsonValue>>>> {
  const {sql, params} = metricsQuery(context.sources, requests, {idleSeconds: context.idleSeconds, timeZone: context.timeZone})
  const byGrouping = new Map<Grouping, Array<Record<string, JsonValue>>>(requests.map(request => [request.grouping, []]))
  for (const row of await collect(context.store, sql, params)) byGrouping.get(row.grouping as Grouping)!.push(row)
  return byGrouping
}

export async function cadenceBins(context: MetricsContext, binMs = CADENCE_BIN_MS, maxMs = CADENCE_MAX_MS): Promise<CadenceBin[]> {
  const {sql, params} = cadenceQuery(context.sources, context.idleSeconds, binMs, maxMs)
  const counts = new Map<number, number>()
  for (const row of await collect(context.store, sql, params)) counts.set(n(row.ms), n(row.n))
  const bins: CadenceBin[] = []
  for (let from = 0; from < maxMs; from += binMs) bins.push({from_ms: from, to_ms: from + binMs, count: counts.get(from) ?? 0})
  bins.push({from_ms: maxMs, to_ms: null, count: counts.get(maxMs) ?? 0})
  return bins
}

/** Every local day from the first to the last, zeros where nothing was recorded. */
export function fillDays(points: DayPoint[]): DayPoint[] {
  if (points.length === 0) return []
  const byDay = new Map(points.map(point => [point.day, point]))
  const sorted = [...byDay.keys()].sort()
  const out: DayPoint[] = []
  const last = Date.parse(`${sorted.at(-1)}T00:00:00Z`)
  for (let t = Date.parse(`${sorted[0]}T00:00:00Z`); t <= last; t += 86_400_000) {
    const day = new Date(t).toISOString().slice(0, 10)
    out.push(byDay.get(day) ?? {
      day, keys: 0, clicks: 0, active_seconds: 0, mouse_distance_px: 0,
    })
  }

  return out
}

export async function metricsContext(store: Reader, options: SummaryOptions): Promise<MetricsContext> {
  const coveredUntil = options.rollup === false ? null : await rollupCoverage(store)
  return {
    store,
    sources: planSources(coveredUntil, options.sinceMicros, options.untilMicros, options.idleSeconds),
    idleSeconds: options.idleSeconds,
    timeZone: options.timeZone ?? localTimeZone(),
  }
}

/** Everything `summarize` shows, computed through `store` (the daemon or the file, read-only). */
export async function computeSummary(store: Reader, options: SummaryOptions): Promise<Summary> {
  const context = await metricsContext(store, options)
  const charts = options.charts ?? true
  const requests: GroupingRequest[] = [{grouping: 'all', percentiles: true}]
  if (options.by) requests.push({grouping: options.by, percentiles: true})
  // The hour grouping has percentiles for the rhythm of the day.
  if (charts && options.by !== 'hour') requests.push({grouping: 'hour', percentiles: true})
  if (charts && options.by !== 'day') requests.push({grouping: 'day', percentiles: false})
  const rows = await groupRows(context, requests)
  const query = (sql: string, params: QueryParams): Promise<Array<Record<string, JsonValue>>> => collect(store, sql, params)
  // Totals and groups get holds and flights; the rhythm of the day (hours, without --by hour) only holds.
  const timed = requests.filter(request => request.percentiles).map(({grouping}) => ({
    grouping, measures: grouping === 'hour' && options.by !== 'hour' ? ['holds' as const] : ['holds' as const, 'flights' as const],
  }))
  const timings = await timingsByGroup(query, context.sources, timed, {idleSeconds: options.idleSeconds, timeZone: context.timeZone})
  const timingsOf = (grouping: Grouping, row: Record<string, JsonValue> | undefined): KeyTimings => timings.get(groupKey(grouping, row?.g)) ?? NO_TIMINGS
  const [total] = rows.get('all')!
  const groups = options.by ? rows.get(options.by)! : []
  const hourRows = charts ? rows.get('hour')! : []
  const dayRows = charts ? rows.get('day')! : []
  const hours: HourPoint[] = Array.from({length: 24}, (_, hour) => ({
    hour, keys: 0, clicks: 0, active_seconds: 0,
  }))
  for (const row of hourRows) {
    const m = metricsFromRow(row)
    hours[Number(row.g)] = {
      hour: Number(row.g), keys: m.keys, clicks: m.clicks, active_seconds: m.active_seconds,
    }
  }

  const days = fillDays(dayRows.map(row => {
    const m = metricsFromRow(row)
    return {
      day: String(row.g), keys: m.keys, clicks: m.clicks, active_seconds: m.active_seconds, mouse_distance_px: m.mouse_distance_px,
    }
  }))
  const {rollup} = context.sources
  const totals = metricsFromRow(total, timingsOf('all', total))
  const byApp = options.by === 'app'
  const flow = await computeWorkflow((sql, params) => collect(store, sql, params), {
    sinceMicros: options.sinceMicros,
    untilMicros: options.untilMicros,
    idleSeconds: options.idleSeconds,
    rollup: options.rollup,
    clicks: totals.clicks,
    clicksByApp: byApp ? new Map(groups.map(row => [row.g === null ? '' : String(row.g), n(row.clicks)])) : undefined,
  })
  return {
    range: {
      since: options.sinceMicros === undefined ? null : isoFromMicros(options.sinceMicros),
      until: options.untilMicros === undefined ? null : isoFromMicros(options.untilMicros),
    },
    idle_seconds: options.idleSeconds,
    time_zone: context.timeZone,
    totals,
    by: options.by ?? null,
    groups: groups.map(row => {
      const group = {group: row.g === null ? null : String(row.g), ...metricsFromRow(row, timingsOf(options.by!, row))}
      return byApp ? {...group, workflow: flow.byApp.get(group.group ?? '') ?? emptyAppWorkflow(group.clicks)} : group
    }),
    hour_of_day: charts ? hours : [],
    days,
    cadence: charts ? await cadenceBins(context) : [],
    workflow: flow.workflow,
    digraphs: await digraphs(query, context.sources, options.idleSeconds, false),
    digraphs_by_key: options.byKey ? await digraphs(query, context.sources, options.idleSeconds, true) : null,
    rhythm: {
      by_hour: charts
        ? rhythmByHour(hourRows.map(row => {
          const m = metricsFromRow(row)
          return {hour: Number(row.g), inter_key_p50_ms: m.inter_key_ms.p50, correction_ratio: m.correction_ratio}
        }), hour => timings.get(groupKey('hour', String(hour).padStart(2, '0')))?.hold_ms.p50 ?? null)
        : [],
    },
    rollup_until: rollup ? isoFromMicros(rollup.to) : null,
  }
}
