import type {AuditRow} from '../privacy/ledger.js'
import type {RedactPreview} from '../privacy/redact.js'

import {colourFor} from './colour.js'
import {localTime} from './event-format.js'
import {formatBytes} from './format.js'
import {renderTable, styled} from './table.js'

/** What forget, redact and audit print for a person (never with --json). */

const REDACT_CHANGES: Record<string, string> = {
  key_code: 'key codes removed',
  ts: 'times rounded to 100 ms',
  x: 'x snapped to the 100 px grid (removed for evdev sessions)',
  y: 'y snapped to the 100 px grid (removed for evdev sessions)',
  app: 'app names replaced by their salted hash',
}

/** "between 14:00 and 15:30" (local times) for a [since, until) range. */
export function betweenText(since: Date, until: Date): string {
  return `between ${localTime(since.toISOString())} and ${localTime(until.toISOString())}`
}

/** "from the start to 15:30" or "from 14:00 to 15:30", for a range whose start may be open. */
export function fromToText(sinceMicros: number | undefined, untilMicros: number): string {
  const from = sinceMicros === undefined ? 'from the start' : `from ${localTime(new Date(sinceMicros / 1000).toISOString())}`
  return `${from} to ${localTime(new Date(untilMicros / 1000).toISOString())}`
}

/** " and 2 sessions", or '' when none. */
export function sessionsText(sessions: number): string {
  return sessions > 0 ? ` and ${sessions} session${sessions === 1 ? '' : 's'}` : ''
}

export function forgetDoneText(
  result: {bytes_after: number; bytes_before: number; events_kept: number; forgotten: {events: number; sessions: number}; seconds: number},
  between: string,
): string {
  const sizes = `${formatBytes(result.bytes_before)} → ${formatBytes(result.bytes_after)}`
  const what = `${result.forgotten.events} events${sessionsText(result.forgotten.sessions)} ${between}`
  return `Forgot ${what}. The database was rewritten in ${result.seconds.toFixed(1)} s (${sizes}); ${result.events_kept} events remain.`
}

/** The redact preview: how many values of each column change. */
export function redactPreviewText(profile: string, preview: RedactPreview, range: string): string {
  if (preview.rows === 0) return `No events recorded ${range}; nothing to redact.`
  const width = Math.max(...Object.keys(preview.columns).map(column => column.length))
  const lines = [`redact --profile ${profile}: ${preview.rows} events recorded ${range}.`]
  for (const [column, count] of Object.entries(preview.columns)) {
    lines.push(`  ${column.padEnd(width)}  ${String(count).padStart(8)} values change (${REDACT_CHANGES[column] ?? 'changed'})`)
  }

  return lines.join('\n')
}

/** The ledger as a table, or one sentence when it is empty. */
export function auditText(rows: AuditRow[]): string {
  if (rows.length === 0) return 'The ledger is empty: nothing has been exported, uploaded, redacted or forgotten.'
  const c = colourFor()
  const time = (iso: null | string): string => (iso ? localTime(iso) : '…')
  const table = rows.map(row => [
    String(row.id),
    time(row.ts),
    row.action,
    row.outcome === 'failed' ? styled(row.outcome, c.red) : row.outcome,
    row.range_start || row.range_end ? `${time(row.range_start)} → ${time(row.range_end)}` : 'all',
    row.profile ?? '',
    row.format ?? '',
    row.rows === null ? '' : String(row.rows),
    row.bytes === null ? '' : formatBytes(row.bytes),
    row.sha256 ? row.sha256.slice(0, 12) : '',
    row.destination ?? '',
  ])
  return renderTable(['id', 'time', 'action', 'outcome', 'range', 'profile', 'format', 'rows', 'bytes', 'sha256', 'destination'], table)
}
