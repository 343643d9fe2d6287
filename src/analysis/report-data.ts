import {eventWhere} from '../store/event-queries.js'
import {
  type CadenceBin, cadenceBins, collect, computeSummary, groupRows, metricsContext, metricsFromRow, type Reader, type Summary, type SummaryOptions,
} from './summary.js'

export interface ReportData {
  summary: Summary
  /** Active seconds and keys per local weekday (0 = Sunday) and hour. */
  week: Array<{weekday: number; hour: number; active_seconds: number; keys: number}>
  /** Finer cadence bins for the histogram. */
  cadence: CadenceBin[]
  /** Clicks (mouse_down) counted per `cell`-pixel square of the screen. */
  clicks: {cell: number; width: number; height: number; cells: Array<{x: number; y: number; count: number}>; total: number}
  generated_at: string
}

export const REPORT_CADENCE_BIN_MS = 20
export const CLICK_CELL_PX = 40

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
    generated_at: new Date().toISOString(),
  }
}
