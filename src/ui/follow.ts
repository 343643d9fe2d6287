import type {EventKind} from '../core/event-kind.js'
import type {JsonValue} from '../core/values.js'
import type {RowFormat} from './print-rows.js'

import {EVENT_TABLE_HEAD, eventCells} from './event-format.js'
import {csvLine, rowObject, writeOut} from './output.js'
import {safeText} from './safe-text.js'

const COLUMN_WIDTHS = [12, 10, 14, 10, 6, 8, 10, 0]

/** Where followed events come from: the backend (src/store/backend.ts), which needs the daemon for this. */
export interface EventSource {
  follow(kinds?: EventKind[]): AsyncIterable<{columns: string[]; rows: JsonValue[][]}>
  close(): void
}

/**
 * Print events as the daemon captures them until Ctrl-C or the daemon stops. JSON is one
 * object a line (NDJSON), written as soon as it arrives.
 */
export async function followEvents(backend: EventSource, kinds: EventKind[] | undefined, format: RowFormat): Promise<void> {
  process.once('SIGINT', () => {
    backend.close()
    process.exit(0)
  })
  let headed = false
  try {
    for await (const {columns, rows} of backend.follow(kinds)) {
      if (!headed) {
        headed = true
        if (format === 'csv') await writeOut(csvLine(columns))
        else if (format === 'table') await writeOut(line(EVENT_TABLE_HEAD))
      }

      const text = eventLines(columns, rows, format)
      if (text) await writeOut(text)
    }
  } finally {
    backend.close()
  }
}

function eventLines(columns: string[], rows: JsonValue[][], format: RowFormat): string {
  let text = ''
  for (const row of rows) {
    const object = rowObject(columns, row)
    if (format === 'json') text += JSON.stringify(object) + '\n'
    else if (format === 'csv') text += csvLine(row)
    else text += line(eventCells(object))
  }

  return text
}

/** One table line; cells are made safe (an app class can hold a terminal escape, a title a newline). */
function line(cells: string[]): string {
  return cells.map(cell => safeText(cell)).map((cell, index) => (COLUMN_WIDTHS[index] ? cell.padEnd(COLUMN_WIDTHS[index]) : cell)).join('  ').trimEnd() + '\n'
}
