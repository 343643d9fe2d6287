import type {ChalkInstance} from 'chalk'

import type {Metrics, Summary} from '../analysis/summary.js'

import {
  bar, formatCount, formatPercent, formatSeconds, sparkline,
} from './charts.js'
import {renderTable} from './table.js'
import {renderWorkflow} from './workflow-view.js'

/** `2025-03-03T09:02:11.123456Z` → `2025-03-03 10:02` in `timeZone`. */
export function localMinute(iso: null | string, timeZone: string): string {
  if (!iso) return '—'
  const parts = Object.fromEntries(new Intl.DateTimeFormat('en-CA', {
    timeZone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23',
  }).formatToParts(new Date(iso.slice(0, 23) + 'Z')).map(part => [part.type, part.value]))
  return `${parts.year}-${parts.month}-${parts.day} ${parts.hour}:${parts.minute}`
}

function interKey(m: Metrics): string {
  return m.inter_key_ms.p50 === null ? '—' : `p50 ${m.inter_key_ms.p50} ms · p90 ${m.inter_key_ms.p90} ms`
}

function timing(t: Metrics['hold_ms']): string {
  return t.p50 === null ? '—' : `p50 ${t.p50} ms · p90 ${t.p90} ms`
}

function perMinute(value: null | number): string {
  return value === null ? '—' : value.toFixed(1)
}

/** The metric lines, label and value, shared by the terminal view and the report. */
export function metricLines(m: Metrics): Array<[string, string, string]> {
  // Device units from evdev sessions are not pixels: their own line, shown only when there are any.
  const counts: Array<[string, string, string]> = m.mouse_distance_counts > 0
    ? [['mouse distance', `${formatCount(m.mouse_distance_counts)} device units`, 'evdev: integrated from relative motion, not pixels']]
    : []
  return [
    ['active time', formatSeconds(m.active_seconds), ''],
    ['keys', formatCount(m.keys), `${perMinute(m.keys_per_active_minute)} per active minute`],
    ['inter-key interval', interKey(m), ''],
    ['hold time', timing(m.hold_ms), 'key press to release'],
    ['flight time', timing(m.flight_ms), 'release to next press; negative = keys overlapped'],
    ['typing bursts', formatCount(m.bursts), 'runs of ≥ 5 keys, < 2 s apart'],
    ['hesitations', formatCount(m.hesitations.count), `${formatSeconds(m.hesitations.seconds)} in total (pauses of 2–30 s)`],
    ['corrections', m.correction_ratio === null ? '—' : formatPercent(m.correction_ratio), `${formatCount(m.corrections)} correction keys`],
    ['clicks', formatCount(m.clicks), ''],
    ['mouse distance', `${formatCount(m.mouse_distance_px)} px`, ''],
    ...counts,
    ['scrolling', `${formatCount(m.wheel)} wheel events`, `${perMinute(m.scroll_per_active_minute)} per active minute`],
  ]
}

function section(c: ChalkInstance, title: string, note = ''): string {
  return `\n${c.bold(title)}${note ? ' ' + c.dim(note) : ''}\n`
}

function hourChart(summary: Summary, c: ChalkInstance): string {
  const values = summary.hour_of_day.map(point => point.active_seconds)
  const line = [...sparkline(values)].map(ch => ch + ch).join('')
  const axis = '00          06          12          18        23'
  return `  ${c.cyan(line)}\n  ${c.dim(axis)}\n`
}

function cadenceChart(summary: Summary, c: ChalkInstance): string {
  const total = summary.cadence.reduce((sum, bin) => sum + bin.count, 0)
  if (total === 0) return `  ${c.dim('no key presses in this range')}\n`
  const max = Math.max(...summary.cadence.map(bin => bin.count))
  const width = 30
  // Bins after the last one with anything in it (below the open-ended one) add nothing.
  const lastUsed = summary.cadence.findLastIndex((bin, index) => bin.count > 0 && index < summary.cadence.length - 1)
  const shown = [...summary.cadence.slice(0, Math.max(lastUsed + 1, 1)), summary.cadence.at(-1)!]
  return shown.map(bin => {
    const label = bin.to_ms === null ? `≥ ${bin.from_ms} ms` : `${bin.from_ms}–${bin.to_ms} ms`
    return `  ${label.padStart(12)}  ${c.cyan(bar(bin.count, max, width).padEnd(width))}  ${c.dim(formatPercent(bin.count / total).padStart(7))}`
  }).join('\n') + '\n'
}

function dayChart(summary: Summary, c: ChalkInstance): string {
  const {days} = summary
  if (days.length === 0) return `  ${c.dim('nothing recorded in this range')}\n`
  const keys = days.map(day => day.keys)
  let busiest = days[0]
  for (const day of days) if (day.keys > busiest.keys) busiest = day
  let text = `  ${c.cyan(sparkline(keys))}  ${c.dim(`${days[0].day} … ${days.at(-1)!.day}; most keys on ${busiest.day} (${formatCount(busiest.keys)})`)}\n`
  if (days.length <= 31) {
    const max = Math.max(...keys)
    text += '\n' + days.map(day => {
      const weekday = new Date(`${day.day}T12:00:00Z`).toLocaleDateString('en-US', {weekday: 'short', timeZone: 'UTC'})
      return `  ${weekday} ${day.day}  ${c.cyan(bar(day.keys, max, 24).padEnd(24))}  ${formatCount(day.keys).padStart(8)} keys  ${c.dim(formatSeconds(day.active_seconds).padStart(12) + ' active')}`
    }).join('\n') + '\n'
  }

  return text
}

/**
 * The per-group table as heading and text cells, shared by the terminal summary and the HTML
 * report so both show the same columns. The device-unit column only when some group has evdev
 * distance (most databases have none).
 */
export function groupGrid(summary: Summary, firstHeading: string): {head: string[]; rows: string[][]} {
  const counts = summary.groups.some(g => g.mouse_distance_counts > 0)
  const head = [firstHeading, 'active', 'keys', 'keys/min', 'p50 ms', 'p90 ms', 'hold p50', 'flight p50', 'hesitations', 'corrections', 'clicks', 'distance px', 'scroll/min']
  if (counts) head.splice(-1, 0, 'distance units')
  const orDash = (value: null | number): string => value === null ? '—' : String(value)
  const rows = summary.groups.map(g => [
    g.group ?? '(unknown)',
    formatSeconds(g.active_seconds),
    formatCount(g.keys),
    perMinute(g.keys_per_active_minute),
    orDash(g.inter_key_ms.p50),
    orDash(g.inter_key_ms.p90),
    orDash(g.hold_ms.p50),
    orDash(g.flight_ms.p50),
    formatCount(g.hesitations.count),
    g.correction_ratio === null ? '—' : formatPercent(g.correction_ratio),
    formatCount(g.clicks),
    formatCount(g.mouse_distance_px),
    ...(counts ? [formatCount(g.mouse_distance_counts)] : []),
    perMinute(g.scroll_per_active_minute),
  ])
  return {head, rows}
}

function groupTable(summary: Summary): string {
  const {head, rows} = groupGrid(summary, summary.by ?? 'group')
  return renderTable(head, rows).split('\n').map(line => `  ${line.trimEnd()}`).join('\n') + '\n'
}

/** How many key pairs the terminal lists (JSON has them all). */
const DIGRAPHS_SHOWN = 12

function digraphList(pairs: Summary['digraphs'], c: ChalkInstance, empty: string): string {
  if (pairs.length === 0) return `  ${c.dim(empty)}\n`
  const shown = pairs.slice(0, DIGRAPHS_SHOWN)
  const max = shown[0].count
  const width = Math.max(...shown.map(pair => `${pair.from} → ${pair.to}`.length))
  const more = pairs.length > shown.length ? `  ${c.dim(`… and ${pairs.length - shown.length} more (--json lists all)`)}\n` : ''
  const line = (pair: Summary['digraphs'][number]): string => {
    const name = `${pair.from} → ${pair.to}`.padEnd(width)
    return `  ${name}  ${c.cyan(bar(pair.count, max, 20).padEnd(20))}  ${formatCount(pair.count).padStart(8)}  ${c.dim(`p50 ${pair.p50_ms} ms`)}`
  }

  return shown.map(pair => line(pair)).join('\n') + '\n' + more
}

function rhythmTable(summary: Summary): string {
  const rows = summary.rhythm.by_hour.filter(point => point.inter_key_p50_ms !== null || point.hold_p50_ms !== null).map(point => [
    String(point.hour).padStart(2, '0'),
    point.inter_key_p50_ms === null ? '—' : String(point.inter_key_p50_ms),
    point.hold_p50_ms === null ? '—' : String(point.hold_p50_ms),
    point.correction_ratio === null ? '—' : formatPercent(point.correction_ratio),
  ])
  return renderTable(['hour', 'inter-key p50 ms', 'hold p50 ms', 'corrections'], rows).split('\n').map(line => `  ${line.trimEnd()}`).join('\n') + '\n'
}

/** The whole terminal summary. */
export function renderSummary(summary: Summary, c: ChalkInstance): string {
  const t = summary.totals
  const tz = summary.time_zone
  let text = `${c.bold('What your input says about you')}  ${c.dim(`${localMinute(t.first_event, tz)} → ${localMinute(t.last_event, tz)} (${tz})`)}\n`
  text += c.dim(`${formatCount(t.events)} events; gaps of ${summary.idle_seconds} s or more are idle, not active time`) + '\n\n'
  if (t.events === 0) return text + '  Nothing recorded in this range.\n'
  const lines = metricLines(t)
  const width = Math.max(...lines.map(([label]) => label.length))
  text += lines.map(([label, value, note]) => `  ${label.padEnd(width)}  ${c.bold(value)}${note ? '  ' + c.dim(note) : ''}`).join('\n') + '\n'
  text += section(c, 'Hour of day', '(active time, local)') + hourChart(summary, c)
  text += section(c, 'Typing cadence', '(time from one key press to the next)') + cadenceChart(summary, c)
  text += section(c, 'Per day', '(keys)') + dayChart(summary, c)
  if (summary.digraphs.length > 0) {
    text += section(c, 'Key pairs', '(by key class: presses < 2 s apart in one app, median interval)') + digraphList(summary.digraphs, c, '')
    text += section(c, 'Rhythm across the day', '(local hours with typing)') + rhythmTable(summary)
  }

  if (summary.digraphs_by_key) {
    text += section(c, 'Key pairs by key') + digraphList(summary.digraphs_by_key, c, 'no key codes in this range (only level full records them)')
  }

  if (summary.by) text += section(c, `By ${summary.by}`) + groupTable(summary)
  text += renderWorkflow(summary, c)
  return text
}
