import type {StatePaths} from '../config/paths.js'
import type {EventKind} from '../core/event-kind.js'
import type {Io} from '../core/io.js'
import type {QueryParams} from '../store/query-stream.js'

import {newestEventsQuery} from '../store/event-queries.js'
import {EVENT_TABLE_HEAD, eventCells} from '../ui/event-format.js'
import {printRows, rowFormat, type RowFormat} from '../ui/print-rows.js'
import {parseRange, toMicros} from '../ui/time.js'

export interface InspectOptions {
  paths: StatePaths
  kinds?: EventKind[]
  /** --since / --until as typed; not with --follow. */
  since?: string
  until?: string
  /** How many of the newest matching events. */
  limit: number
  /** Print events as they are captured instead (the daemon only). */
  follow: boolean
  csv: boolean
  /** Read the demo database instead (not with follow). */
  demo?: boolean
  /** The present, for relative times such as `15m` (tests pin it). */
  now?: Date
}

/** What `inspect` will print and, unless it follows, the SQL that selects it. */
export interface InspectPlan {
  format: RowFormat
  query?: {params: QueryParams; sql: string}
}

/** Decide the format and build the query; a bad --since/--until fails here, before anything is opened. */
export function inspectPlan(options: InspectOptions, io: Pick<Io, 'json'>): InspectPlan {
  const format = rowFormat({json: io.json, csv: options.csv})
  if (options.follow) return {format}
  const range = parseRange(options.since, options.until, options.now)
  const query = newestEventsQuery(
    {kinds: options.kinds, sinceMicros: range.since && toMicros(range.since), untilMicros: range.until && toMicros(range.until)},
    options.limit,
  )
  return {format, query}
}

/**
 * `devtrace inspect`: the newest events, oldest first, or with --follow every new one until
 * Ctrl-C. Rows stream to stdout as they arrive (with --json too: an array, or NDJSON when
 * following), so nothing is returned for oclif to print.
 */
export async function inspectRun(options: InspectOptions, io: Io): Promise<void> {
  const plan = inspectPlan(options, io)
  if (!plan.query) {
    const [{followEvents}, {openBackend}] = await Promise.all([import('../ui/follow.js'), import('../store/backend.js')])
    await followEvents(await openBackend(options.paths), options.kinds, plan.format)
    return
  }

  const {openStore} = await import('../store/store.js')
  const store = await openStore(options.paths, {demo: options.demo})
  try {
    await printRows(store.query(plan.query.sql, plan.query.params), {format: plan.format, head: EVENT_TABLE_HEAD, cells: eventCells})
  } finally {
    store.close()
  }
}
