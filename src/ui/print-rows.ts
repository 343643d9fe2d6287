import type {RowBatch} from '../store/query-stream.js'
import type {JsonValue} from '../store/values.js'

import {csvLine, rowObject, writeOut} from './output.js'
import {renderTable} from './table.js'

export type RowFormat = 'csv' | 'json' | 'table'

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
 * memory at any size); the table view holds at most `maxTableRows` rows. Returns the row count.
 */
export async function printRows(batches: AsyncIterable<RowBatch>, options: PrintOptions): Promise<{rows: number; shown: number}> {
  let columns: string[] = []
  let count = 0
  const tableRows: string[][] = []
  const max = options.maxTableRows ?? 10_000
  if (options.format === 'json') await writeOut('[')
  for await (const batch of batches) {
    if (batch.columns.length > 0 && columns.length === 0) {
      columns = batch.columns
      if (options.format === 'csv') await writeOut(csvLine(columns))
    }

    if (options.format === 'json') {
      let text = ''
      for (const row of batch.rows) {
        text += (count === 0 ? '\n' : ',\n') + JSON.stringify(rowObject(columns, row))
        count++
      }

      if (text) await writeOut(text)
    } else if (options.format === 'csv') {
      let text = ''
      for (const row of batch.rows) text += csvLine(row)
      count += batch.rows.length
      if (text) await writeOut(text)
    } else {
      for (const row of batch.rows) {
        if (tableRows.length < max) tableRows.push(options.cells ? options.cells(rowObject(columns, row)) : row.map(value => cellText(value)))
        count++
      }
    }
  }

  if (options.format === 'json') await writeOut(count === 0 ? ']\n' : '\n]\n')
  if (options.format === 'table') {
    if (count === 0) await writeOut('(no rows)\n')
    else {
      await writeOut(renderTable(options.head ?? columns, tableRows) + '\n')
      if (count > tableRows.length) {
        process.stderr.write(`… ${count - tableRows.length} more rows not shown; use --csv or --json for all of them.\n`)
      }
    }
  }

  return {rows: count, shown: Math.min(count, tableRows.length)}
}

export function cellText(value: JsonValue): string {
  if (value === null) return ''
  return typeof value === 'object' ? JSON.stringify(value) : String(value)
}

