import type {JsonValue, RowBatch} from '../core/values.js'

import {csvLine, rowObject, writeOut} from './output.js'
import {TablePages} from './table.js'

export type RowFormat = 'csv' | 'json' | 'table'

/** --json wins (it is the whole of stdout), then --csv; else the table for a person. */
export function rowFormat(flags: {csv: boolean; json: boolean}): RowFormat {
  if (flags.json) return 'json'
  return flags.csv ? 'csv' : 'table'
}

export interface PrintOptions {
  format: RowFormat
  /** Cells for the table view; defaults to each value as text. */
  cells?: (row: Record<string, JsonValue>) => string[]
  head?: string[]
  /** The table view shows at most this many rows (a table of millions helps no one). */
  maxTableRows?: number
}

/**
 * Print a stream of row batches as it arrives. CSV and JSON stream with backpressure (constant
 * memory at any size). The table view prints a page per batch as it arrives (the first rows show
 * at once) and stops reading after `maxTableRows`, which ends the query behind it. Returns the
 * rows printed.
 */
export async function printRows(batches: AsyncIterable<RowBatch>, options: PrintOptions): Promise<{rows: number; shown: number}> {
  if (options.format === 'table') return printTable(batches, options)
  let columns: string[] = []
  let count = 0
  if (options.format === 'json') await writeOut('[')
  for await (const batch of batches) {
    if (batch.columns.length > 0 && columns.length === 0) {
      columns = batch.columns
      if (options.format === 'csv') await writeOut(csvLine(columns))
    }

    let text = ''
    for (const row of batch.rows) {
      text += options.format === 'csv' ? csvLine(row) : (count === 0 ? '\n' : ',\n') + JSON.stringify(rowObject(columns, row))
      count++
    }

    if (text) await writeOut(text)
  }

  if (options.format === 'json') await writeOut(count === 0 ? ']\n' : '\n]\n')
  return {rows: count, shown: count}
}

async function printTable(batches: AsyncIterable<RowBatch>, options: PrintOptions): Promise<{rows: number; shown: number}> {
  const max = options.maxTableRows ?? 10_000
  let pages: TablePages | undefined
  let shown = 0
  let more = false
  let columns: string[] = []
  for await (const batch of batches) {
    if (columns.length === 0) columns = batch.columns
    if (batch.rows.length === 0) continue
    if (shown >= max) {
      // Leaving the loop ends the query: the daemon (or DuckDB here) stops producing rows.
      more = true
      break
    }

    pages ??= new TablePages(options.head ?? columns)
    const rows = batch.rows.slice(0, max - shown)
    more = rows.length < batch.rows.length
    const cells = rows.map(row => (options.cells ? options.cells(rowObject(columns, row)) : row.map(value => cellText(value))))
    shown += rows.length
    await writeOut(pages.page(cells) + '\n')
    if (more) break
  }

  if (shown === 0) await writeOut('(no rows)\n')
  else if (more) process.stderr.write(`… only the first ${shown} rows are shown; use --csv or --json for all of them.\n`)
  return {rows: shown, shown}
}

export function cellText(value: JsonValue): string {
  if (value === null) return ''
  return typeof value === 'object' ? JSON.stringify(value) : String(value)
}

