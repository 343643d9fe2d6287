import type {StatePaths} from '../config/paths.js'
import type {Io} from '../core/io.js'
import type {QueryLimits} from '../store/query-guard.js'

import {parseTimeout} from '../core/duration.js'
import {copyQueryToStdout} from '../transfer/copy-to-stdout.js'
import {printRows, rowFormat, type RowFormat} from '../ui/print-rows.js'

export interface QueryOptions {
  paths: StatePaths
  /** One SELECT statement; the guard (store/query-guard.ts) refuses anything else. */
  sql: string
  csv: boolean
  /** --timeout as typed: seconds, a duration, or 0 for no limit. */
  timeout: string
  /** Read the demo database instead. */
  demo?: boolean
}

/** How `query` prints (the table, or DuckDB's own CSV/JSON writer) and how long it may run. */
export function queryPlan(options: QueryOptions, io: Pick<Io, 'json'>): {format: RowFormat; limits: QueryLimits} {
  return {format: rowFormat({json: io.json, csv: options.csv}), limits: {timeoutMs: parseTimeout(options.timeout, '--timeout')}}
}

/**
 * `devtrace query`: run one read-only statement through the daemon or on the file, and stream
 * its rows to stdout: the table page by page, CSV and JSON at DuckDB's speed through a pipe
 * (transfer/copy-to-stdout.ts). The JSON is streamed, so nothing is returned for oclif to print.
 */
export async function queryRun(options: QueryOptions, io: Io): Promise<void> {
  const {format, limits} = queryPlan(options, io)
  const {openStore} = await import('../store/store.js')
  const store = await openStore(options.paths, {demo: options.demo})
  try {
    await (format === 'table' ? printRows(store.query(options.sql, undefined, limits), {format}) : copyQueryToStdout(store, options.sql, format, limits))
  } finally {
    store.close()
  }
}
