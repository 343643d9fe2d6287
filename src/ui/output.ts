import {once} from 'node:events'

import type {JsonValue} from '../core/values.js'

/**
 * Write to stdout, waiting when the pipe is full, so streaming a large result never piles up
 * in memory. A closed pipe (`| head`) ends the output quietly.
 */
export async function writeOut(text: string): Promise<void> {
  if (process.stdout.destroyed) return
  if (!process.stdout.write(text)) await once(process.stdout, 'drain')
}

process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(0)
  throw error
})

/** RFC 4180: quote a field that holds a comma, quote, CR or LF; double inner quotes. */
export function csvField(value: JsonValue): string {
  if (value === null) return ''
  const text = typeof value === 'object' ? JSON.stringify(value) : String(value)
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text
}

export function csvLine(values: readonly JsonValue[]): string {
  return values.map(value => csvField(value)).join(',') + '\n'
}

export function rowObject(columns: readonly string[], row: readonly JsonValue[]): Record<string, JsonValue> {
  const object: Record<string, JsonValue> = {}
  for (const [index, column] of columns.entries()) object[column] = row[index]
  return object
}
