import type {JsonValue} from '../core/values.js'

export const EVENT_TABLE_HEAD = ['time', 'kind', 'key', 'position', 'button', 'wheel', 'modifiers', 'app']

/**
 * Local wall-clock time on the 24-hour clock; the date too when it is not today. The one format
 * for times shown to a person: event tables, ranges, the ledger, and messages (`Paused until
 * 16:35:15.`, which drop the milliseconds with `seconds`).
 */
export function localTime(iso: string, now: Date = new Date(), precision: 'milliseconds' | 'seconds' = 'milliseconds'): string {
  const date = new Date(iso)
  const pad = (value: number, width = 2): string => String(value).padStart(width, '0')
  const seconds = `${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}`
  const time = precision === 'seconds' ? seconds : `${seconds}.${pad(date.getMilliseconds(), 3)}`
  const sameDay = date.toDateString() === now.toDateString()
  return sameDay ? time : `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())} ${time}`
}

/** The table cells of one `events` row. */
export function eventCells(row: Record<string, JsonValue>): string[] {
  const text = (value: JsonValue | undefined): string => (value === null || value === undefined ? '' : String(value))
  const identity = row.key_code === null || row.key_code === undefined ? text(row.key_class) : `${text(row.key_class)} (${text(row.key_code)})`
  const key = row.hold_ms === null || row.hold_ms === undefined ? identity : `${identity}, held ${text(row.hold_ms)} ms`
  const position = row.x === null || row.x === undefined ? '' : `${text(row.x)},${text(row.y)}`
  const wheel = row.wheel_direction ? `${text(row.wheel_direction)} ×${text(row.wheel_amount)}` : ''
  return [localTime(String(row.ts)), text(row.kind), key, position, text(row.button), wheel, text(row.modifiers), text(row.app)]
}
