import {eventWhere} from '../store/event-queries.js'
import {
  type CadenceBin, cadenceBins, collect, computeSummary, groupRows, metricsContext, metricsFromRow, type Reader, type Summary, type SummaryOptions,
} from './summary.js'
import {computeStretches, type Stretch} from './workflow.js'

export interface ReportData {
  summary: Summary
  /** Active seconds and keys per local weekday (0 = Sunday) and hour. */
  week: Array<{weekday: number; hour: number; active_seconds: number; keys: number}>
  /** Finer cadence bins for the histogram. */
  cadence: CadenceBin[]
  /** Clicks (mouse_down) counted per `cell`-pixel square of the screen. */
  clicks: {cell: number; width: number; height: number; cells: Array<{x: number; y: number; count: number}>; total: number}
  /** The focus-sessions timeline: stretches in one app (≥ TIMELINE_MIN_SECONDS) over the last TIMELINE_DAYS days of the range. */
  timeline: {days: number; from_us: number; stretches: Stretch[]}
  generated_at: string
}

export const REPORT_CADENCE_BIN_MS = 20
export const CLICK_CELL_PX = 40
export const TIMELINE_DAYS = 7
/** Shorter stretches are under a pixel wide on a day's lane. */
export const TIMELINE_MIN_SECONDS = 60

/** Everything the HTML report draws, through the same metric SQL as `summarize`. */
export async function computeReportData(store: Reader, options: SummaryOptions): Promise<ReportData> {
  const summary = await computeSummary(store, {...options, by: 'app'})
  const context = await metricsContext(store, options)
  const week = (await groupRows(context, [{grouping: 'weekday_hour', percentiles: false}])).get('weekday_hour')!.map(row => {
    const [weekday, hour] = String(row.g).split('-').map(Number)
    const m = metricsFromRow(row)
    return {
      weekday, hour, active_seconds: m.active_seconds, keys: m.keys,
    }
  })
  const cadence = await cadenceBins(context, REPORT_CADENCE_BIN_MS, 1000)
  const {where, params} = eventWhere({kinds: ['mouse_down'], sinceMicros: options.sinceMicros, untilMicros: options.untilMicros})
  // Ordered: DuckDB's hash aggregate emits groups in any order, and the same data must make the same report.
  const cells = await collect(
    store,
    `SELECT (x // ${CLICK_CELL_PX})::INTEGER AS cx, (y // ${CLICK_CELL_PX})::INTEGER AS cy, count(*)::BIGINT AS n
     FROM events ${where} AND x IS NOT NULL AND y IS NOT NULL AND x >= 0 AND y >= 0 GROUP BY ALL
     ORDER BY cy, cx`,
    params,
  )
  const positions = eventWhere({sinceMicros: options.sinceMicros, untilMicros: options.untilMicros})
  const [extent] = await collect(
    store,
    `SELECT coalesce(max(x), 0)::INTEGER AS w, coalesce(max(y), 0)::INTEGER AS h FROM events ${positions.where || 'WHERE true'} AND x IS NOT NULL`,
    positions.params,
  )
  // Millisecond precision is plenty for where the timeline starts.
  const lastEvent = summary.totals.last_event === null ? 0 : Date.parse(summary.totals.last_event.slice(0, 23) + 'Z') * 1000
  const timelineFrom = Math.max(lastEvent - TIMELINE_DAYS * 86_400_000_000, options.sinceMicros ?? Number.NEGATIVE_INFINITY)
  const stretches = await computeStretches((sql, params) => collect(store, sql, params), {
    ...options, minSeconds: TIMELINE_MIN_SECONDS, fromMicros: timelineFrom,
  })
  const clickCells = cells.map(row => ({x: Number(row.cx), y: Number(row.cy), count: Number(row.n)}))
  return {
    summary,
    week,
    cadence,
    clicks: {
      cell: CLICK_CELL_PX,
      width: Math.max(Number(extent?.w ?? 0) + 1, 1),
      height: Math.max(Number(extent?.h ?? 0) + 1, 1),
      cells: clickCells,
      total: clickCells.reduce((sum, cell) => sum + cell.count, 0),
    },
    timeline: {days: TIMELINE_DAYS, from_us: timelineFrom, stretches},
    generated_at: new Date().toISOString(),
  }
}
