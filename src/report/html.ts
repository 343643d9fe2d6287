import type {ReportData} from '../analysis/report-data.js'
import type {Metrics} from '../analysis/summary.js'
import type {Workflow} from '../analysis/workflow.js'

import {METRIC_DEFINITIONS} from '../analysis/metrics-sql.js'
import {isoFromMicros} from '../core/values.js'
import {
  formatCount, formatPercent, formatSeconds,
} from '../ui/charts.js'
import {groupGrid, localMinute} from '../ui/summary-view.js'
import {workflowTable} from '../ui/workflow-view.js'

/**
 * The report as one self-contained HTML file: inline CSS and inline SVG, no script, no font, no
 * image, no link of any kind, so opening it makes no request. Every piece of text from the data
 * (app names) is escaped.
 */

export function escapeHtml(text: string): string {
  return text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;').replaceAll('"', '&quot;').replaceAll('\'', '&#39;')
}

const PALETTE = ['#eef2ff', '#e0e7ff', '#c7d2fe', '#a5b4fc', '#818cf8', '#6366f1', '#4f46e5', '#4338ca', '#3730a3']
const WEEKDAYS = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun']

/** A colour from the palette for value/max (0 gets the lightest, reserved for "nothing"). */
function shade(value: number, max: number): string {
  if (value <= 0 || max <= 0) return '#f8fafc'
  const index = 1 + Math.min(PALETTE.length - 2, Math.floor(Math.sqrt(value / max) * (PALETTE.length - 1)))
  return PALETTE[index]
}

/** An SVG rectangle with a tooltip. */
function rect(attributes: Record<string, number | string>, title: string): string {
  const text = Object.entries(attributes).map(([name, value]) => `${name}="${typeof value === 'number' ? fmt(value) : value}"`).join(' ')
  return `<rect ${text}><title>${escapeHtml(title)}</title></rect>`
}

function fmt(value: number, digits = 1): string {
  return Number.isInteger(value) ? String(value) : value.toFixed(digits)
}

function weekHeatmap(data: ReportData): string {
  const cell = 30
  const gap = 3
  const left = 44
  const top = 22
  const grid = new Map(data.week.map(point => [`${point.weekday}-${point.hour}`, point]))
  const max = Math.max(0, ...data.week.map(point => point.active_seconds))
  let svg = ''
  for (let hour = 0; hour < 24; hour += 3) {
    svg += `<text x="${left + hour * (cell + gap) + cell / 2}" y="14" class="axis" text-anchor="middle">${String(hour).padStart(2, '0')}</text>`
  }

  for (const [row, label] of WEEKDAYS.entries()) {
    const weekday = (row + 1) % 7 // Monday first; SQL's %w has Sunday = 0
    const y = top + row * (cell + gap)
    svg += `<text x="${left - 8}" y="${y + cell / 2 + 4}" class="axis" text-anchor="end">${label}</text>`
    for (let hour = 0; hour < 24; hour++) {
      const point = grid.get(`${weekday}-${hour}`)
      const active = point?.active_seconds ?? 0
      const x = left + hour * (cell + gap)
      svg += rect(
        {
          class: 'cell', x, y, width: cell, height: cell, rx: 4, fill: shade(active, max),
        },
        `${label} ${String(hour).padStart(2, '0')}:00 — ${formatSeconds(active)} active, ${formatCount(point?.keys ?? 0)} keys`,
      )
    }
  }

  const width = left + 24 * (cell + gap)
  const height = top + 7 * (cell + gap)
  return `<svg class="chart" id="chart-week" viewBox="0 0 ${width} ${height}" role="img" aria-label="Active time by weekday and hour">${svg}</svg>`
}

function cadenceHistogram(data: ReportData, totals: Metrics): string {
  const bins = data.cadence
  const total = bins.reduce((sum, bin) => sum + bin.count, 0)
  const width = 960
  const height = 260
  const left = 48
  const bottom = 36
  const plotHeight = height - bottom - 16
  const slot = (width - left - 60) / (bins.length - 1)
  const max = Math.max(1, ...bins.map(bin => bin.count))
  let svg = `<line x1="${left}" y1="${height - bottom}" x2="${width - 8}" y2="${height - bottom}" class="rule"/>`
  for (const [index, bin] of bins.entries()) {
    const open = bin.to_ms === null
    const x = open ? width - 52 : left + index * slot
    const h = (bin.count / max) * plotHeight
    const label = open ? `≥ ${bin.from_ms} ms` : `${bin.from_ms}–${bin.to_ms} ms`
    svg += rect(
      {
        class: open ? 'bar open' : 'bar', x: x + 1, y: height - bottom - h, width: open ? 40 : slot - 2, height: h, rx: 2,
      },
      `${label}: ${formatCount(bin.count)} (${total ? formatPercent(bin.count / total) : '0 %'})`,
    )
    if (!open && bin.from_ms % 100 === 0) svg += `<text x="${fmt(x)}" y="${height - bottom + 16}" class="axis" text-anchor="middle">${bin.from_ms}</text>`
  }

  svg += `<text x="${width - 32}" y="${height - bottom + 16}" class="axis" text-anchor="middle">≥ 1 s</text>`
  svg += `<text x="${left + (width - left - 60) / 2}" y="${height - 4}" class="axis" text-anchor="middle">milliseconds from one key press to the next</text>`
  for (const [name, value] of [['p50', totals.inter_key_ms.p50], ['p90', totals.inter_key_ms.p90]] as const) {
    if (value === null || value >= 1000) continue
    const x = left + (value / (bins[1]?.from_ms || 20)) * slot
    svg += `<line x1="${fmt(x)}" y1="14" x2="${fmt(x)}" y2="${height - bottom}" class="marker"/><text x="${fmt(x + 4)}" y="24" class="marker-label">${name} ${value} ms</text>`
  }

  return `<svg class="chart" id="chart-cadence" viewBox="0 0 ${width} ${height}" role="img" aria-label="Inter-key interval histogram">${svg}</svg>`
}

function dayTrend(data: ReportData): string {
  const {days} = data.summary
  const width = 960
  const height = 240
  const left = 56
  const right = 56
  const bottom = 34
  const plotHeight = height - bottom - 18
  if (days.length === 0) return '<p class="empty">Nothing recorded in this range.</p>'
  const step = (width - left - right) / days.length
  const maxKeys = Math.max(1, ...days.map(day => day.keys))
  const maxActive = Math.max(1, ...days.map(day => day.active_seconds))
  let svg = `<line x1="${left}" y1="${height - bottom}" x2="${width - right}" y2="${height - bottom}" class="rule"/>`
  svg += `<text x="${left - 6}" y="22" class="axis" text-anchor="end">${formatCount(maxKeys)}</text><text x="${left - 6}" y="${height - bottom}" class="axis" text-anchor="end">0</text>`
  svg += `<text x="${width - right + 6}" y="22" class="axis line-label">${formatSeconds(maxActive)}</text>`
  const points: string[] = []
  const labelEvery = Math.max(1, Math.ceil(days.length / 8))
  for (const [index, day] of days.entries()) {
    const x = left + index * step
    const h = (day.keys / maxKeys) * plotHeight
    svg += rect(
      {
        class: 'bar', x: x + step * 0.12, y: height - bottom - h, width: Math.max(step * 0.76, 0.5), height: h, rx: step > 8 ? 2 : 0,
      },
      `${day.day}: ${formatCount(day.keys)} keys, ${formatSeconds(day.active_seconds)} active, ${formatCount(day.clicks)} clicks`,
    )
    points.push(`${fmt(x + step / 2)},${fmt(height - bottom - (day.active_seconds / maxActive) * plotHeight)}`)
    if (index % labelEvery === 0) svg += `<text x="${fmt(x + step / 2)}" y="${height - bottom + 16}" class="axis" text-anchor="middle">${day.day.slice(5)}</text>`
  }

  svg += `<polyline class="line" points="${points.join(' ')}"/>`
  return `<svg class="chart" id="chart-days" viewBox="0 0 ${width} ${height}" role="img" aria-label="Keys and active time per day">${svg}</svg>`
}

function hourBars(data: ReportData): string {
  const hours = data.summary.hour_of_day
  const width = 480
  const height = 240
  const left = 6
  const bottom = 26
  const plotHeight = height - bottom - 10
  const step = (width - left * 2) / 24
  const max = Math.max(1, ...hours.map(point => point.active_seconds))
  let svg = `<line x1="${left}" y1="${height - bottom}" x2="${width - left}" y2="${height - bottom}" class="rule"/>`
  for (const point of hours) {
    const x = left + point.hour * step
    const h = (point.active_seconds / max) * plotHeight
    svg += rect(
      {
        class: 'bar', x: x + 2, y: height - bottom - h, width: step - 4, height: h, rx: 2,
      },
      `${String(point.hour).padStart(2, '0')}:00 — ${formatSeconds(point.active_seconds)} active, ${formatCount(point.keys)} keys`,
    )
    if (point.hour % 3 === 0) svg += `<text x="${fmt(x + step / 2)}" y="${height - bottom + 16}" class="axis" text-anchor="middle">${String(point.hour).padStart(2, '0')}</text>`
  }

  return `<svg class="chart" id="chart-hours" viewBox="0 0 ${width} ${height}" role="img" aria-label="Active time by hour of day">${svg}</svg>`
}

function clickHeatmap(data: ReportData): string {
  const {clicks} = data
  const width = 640
  const scale = width / clicks.width
  const height = Math.max(120, Math.round(clicks.height * scale))
  const max = Math.max(1, ...clicks.cells.map(cell => cell.count))
  let svg = `<rect x="0" y="0" width="${width}" height="${height}" rx="6" class="screen"/>`
  for (const cell of clicks.cells) {
    const size = clicks.cell * scale
    svg += rect(
      {
        class: 'hot', x: cell.x * size, y: cell.y * size, width: size, height: size, fill: shade(cell.count, max), 'fill-opacity': fmt(0.35 + 0.65 * Math.sqrt(cell.count / max), 2),
      },
      `${formatCount(cell.count)} clicks around (${cell.x * clicks.cell}, ${cell.y * clicks.cell})`,
    )
  }

  if (clicks.cells.length === 0) svg += `<text x="${width / 2}" y="${height / 2}" class="axis" text-anchor="middle">no clicks in this range</text>`
  return `<svg class="chart" id="chart-clicks" viewBox="0 0 ${width} ${height}" role="img" aria-label="Where you click">${svg}</svg>`
}

/** The order key classes are listed in: typing first, then editing and control keys. */
const KEY_CLASS_ORDER = ['letter', 'space', 'punctuation', 'digit', 'correction', 'navigation', 'modifier', 'function', 'other']

/** Digraphs as a key class × key class table: p50 interval in each cell, shaded by how often the pair occurs. */
function digraphTable(data: ReportData): string {
  const {digraphs} = data.summary
  if (digraphs.length === 0) return '<p class="empty">No key pairs in this range.</p>'
  const rank = (name: string): number => (KEY_CLASS_ORDER.includes(name) ? KEY_CLASS_ORDER.indexOf(name) : KEY_CLASS_ORDER.length)
  const classes = (pick: (pair: (typeof digraphs)[number]) => string): string[] => [...new Set(digraphs.map(pair => pick(pair)))].sort((a, b) => rank(a) - rank(b) || a.localeCompare(b))
  const froms = classes(pair => pair.from)
  const tos = classes(pair => pair.to)
  const cell = new Map(digraphs.map(pair => [`${pair.from} ${pair.to}`, pair]))
  const max = Math.max(...digraphs.map(pair => pair.count))
  const head = `<tr><th>from ↓ to →</th>${tos.map(to => `<th>${escapeHtml(to)}</th>`).join('')}</tr>`
  const body = froms.map(from => `<tr><th>${escapeHtml(from)}</th>${tos.map(to => {
    const pair = cell.get(`${from} ${to}`)
    if (!pair) return '<td class="empty">—</td>'
    const title = `${from} → ${to}: ${formatCount(pair.count)} pairs, median ${pair.p50_ms} ms`
    return `<td style="background:${shade(pair.count, max)}" title="${escapeHtml(title)}">${pair.p50_ms} ms<br><small>${formatCount(pair.count)}</small></td>`
  }).join('')}</tr>`).join('')
  return `<table class="data heat" id="table-digraphs"><thead>${head}</thead><tbody>${body}</tbody></table>`
}

/**
 * The rhythm of the day as a heat strip: one row per measure, 24 local hours across, each cell
 * shaded against its row's largest value (a table, like the key pairs, so the numbers are readable).
 */
function rhythmTable(data: ReportData): string {
  const hours = data.summary.rhythm.by_hour
  if (hours.every(point => point.inter_key_p50_ms === null)) return '<p class="empty">No typing in this range.</p>'
  const rows: Array<{label: string; value: (point: (typeof hours)[number]) => null | number; text: (value: number) => string}> = [
    {label: 'inter-key p50 ms', value: point => point.inter_key_p50_ms, text: String},
    {label: 'hold p50 ms', value: point => point.hold_p50_ms, text: String},
    {label: 'corrections %', value: point => point.correction_ratio, text: value => (value * 100).toFixed(1)},
  ]
  const head = `<tr><th>hour</th>${hours.map(point => `<th>${String(point.hour).padStart(2, '0')}</th>`).join('')}</tr>`
  const body = rows.map(row => {
    const max = Math.max(0, ...hours.map(point => row.value(point) ?? 0))
    return `<tr><th>${escapeHtml(row.label)}</th>${hours.map(point => {
      const value = row.value(point)
      if (value === null) return '<td class="empty">·</td>'
      const title = `${String(point.hour).padStart(2, '0')}:00 — ${row.label} ${row.text(value)}`
      return `<td style="background:${shade(value, max)}" title="${escapeHtml(title)}">${row.text(value)}</td>`
    }).join('')}</tr>`
  }).join('')
  return `<table class="data heat rhythm" id="table-rhythm"><thead>${head}</thead><tbody>${body}</tbody></table>`
}

function card(label: string, value: string, note = ''): string {
  return `<div class="card"><div class="label">${escapeHtml(label)}</div><div class="value">${escapeHtml(value)}</div>${note ? `<div class="note">${escapeHtml(note)}</div>` : ''}</div>`
}

function perMinute(value: null | number): string {
  return value === null ? '—' : value.toFixed(1)
}

function metricValue(json: string, m: Metrics): string {
  switch (json) {
  case 'active_seconds': {
    return formatSeconds(m.active_seconds)
  }

  case 'bursts': {
    return formatCount(m.bursts)
  }

  case 'clicks': {
    return formatCount(m.clicks)
  }

  case 'correction_ratio': {
    return m.correction_ratio === null ? '—' : formatPercent(m.correction_ratio)
  }

  case 'flight_ms.p50 / .p90': {
    return m.flight_ms.p50 === null ? '—' : `${m.flight_ms.p50} ms / ${m.flight_ms.p90} ms`
  }

  case 'hesitations.count / .seconds': {
    return `${formatCount(m.hesitations.count)} · ${formatSeconds(m.hesitations.seconds)}`
  }

  case 'hold_ms.p50 / .p90': {
    return m.hold_ms.p50 === null ? '—' : `${m.hold_ms.p50} ms / ${m.hold_ms.p90} ms`
  }

  case 'inter_key_ms.p50 / .p90': {
    return m.inter_key_ms.p50 === null ? '—' : `${m.inter_key_ms.p50} ms / ${m.inter_key_ms.p90} ms`
  }

  case 'keys': {
    return formatCount(m.keys)
  }

  case 'keys_per_active_minute': {
    return perMinute(m.keys_per_active_minute)
  }

  case 'mouse_distance_counts': {
    return `${formatCount(m.mouse_distance_counts)} device units`
  }

  case 'mouse_distance_px': {
    return `${formatCount(m.mouse_distance_px)} px`
  }

  case 'wheel': {
    return `${formatCount(m.wheel)} · ${perMinute(m.scroll_per_active_minute)}/min`
  }

  default: {
    return ''
  }
  }
}

function appTable(data: ReportData): string {
  const {head, rows} = groupGrid(data.summary, 'app')
  const cells = (values: string[], tag: string): string => values.map(value => `<${tag}>${escapeHtml(value)}</${tag}>`).join('')
  const body = rows.map(row => `<tr>${cells(row, 'td')}</tr>`).join('')
  return `<table class="data" id="table-apps"><thead><tr>${cells(head, 'th')}</tr></thead><tbody>${body}</tbody></table>`
}

// Workflow: the focus-sessions timeline and the per-app workflow table.
const APP_COLOURS = ['#4f46e5', '#f97316', '#059669', '#db2777', '#0891b2', '#ca8a04', '#7c3aed', '#dc2626']
const OTHER_APP_COLOUR = '#94a3b8'

/** Local day (YYYY-MM-DD) and minute of the day of an instant (µs) in `timeZone`. */
function localDayMinute(micros: number, format: Intl.DateTimeFormat): {day: string; minute: number} {
  const parts = Object.fromEntries(format.formatToParts(new Date(Math.floor(micros / 1000))).map(part => [part.type, part.value]))
  return {day: `${parts.year}-${parts.month}-${parts.day}`, minute: Number(parts.hour) * 60 + Number(parts.minute) + Number(parts.second) / 60}
}

function focusTimeline(data: ReportData): string {
  const {stretches} = data.timeline
  if (stretches.length === 0) return '<p class="empty">No minute or more in one app in this range.</p>'
  const format = new Intl.DateTimeFormat('en-CA', {
    timeZone: data.summary.time_zone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23',
  })
  const totals = new Map<string, number>()
  for (const s of stretches) totals.set(s.app, (totals.get(s.app) ?? 0) + s.end_us - s.start_us)
  const apps = [...totals.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).map(([app]) => app)
  const colour = (app: string): string => APP_COLOURS[apps.indexOf(app)] ?? OTHER_APP_COLOUR
  // A stretch over midnight is drawn on both days.
  const bars: Array<{day: string; from: number; to: number; app: string; focus: boolean; title: string}> = []
  for (const s of stretches) {
    const start = localDayMinute(s.start_us, format)
    const end = localDayMinute(s.end_us, format)
    const minutes = `${formatSeconds((s.end_us - s.start_us) / 1e6)}${s.focus ? ' · focus session' : ''}`
    const title = `${s.app}: ${localMinute(isoFromMicros(s.start_us), data.summary.time_zone)} → ${localMinute(isoFromMicros(s.end_us), data.summary.time_zone).slice(11)} (${minutes})`
    if (start.day === end.day) {
      bars.push({
        day: start.day, from: start.minute, to: end.minute, app: s.app, focus: s.focus, title,
      })
    } else {
      bars.push({
        day: start.day, from: start.minute, to: 1440, app: s.app, focus: s.focus, title,
      }, {
        day: end.day, from: 0, to: end.minute, app: s.app, focus: s.focus, title,
      })
    }
  }

  const days = [...new Set(bars.map(bar => bar.day))].sort()
  const [left, width, lane, gap, top] = [92, 860, 20, 8, 18]
  const x = (minute: number): number => left + (minute / 1440) * width
  const height = top + days.length * (lane + gap) + 4
  let svg = `<svg class="chart" id="chart-focus" viewBox="0 0 ${left + width + 8} ${height}" role="img" aria-label="Stretches in one app per day">`
  for (const hour of [0, 3, 6, 9, 12, 15, 18, 21, 24]) {
    const at = fmt(x(hour * 60))
    svg += `<line class="rule" x1="${at}" y1="${top - 4}" x2="${at}" y2="${height}"/><text class="axis" x="${at}" y="11" text-anchor="middle">${String(hour).padStart(2, '0')}</text>`
  }

  for (const [index, day] of days.entries()) {
    const y = top + index * (lane + gap)
    svg += `<text class="axis" x="0" y="${y + lane - 6}">${escapeHtml(day)}</text>`
    for (const bar of bars.filter(b => b.day === day)) {
      svg += rect({
        x: x(bar.from), y, width: Math.max(x(bar.to) - x(bar.from), 1), height: lane, rx: 3, fill: colour(bar.app), 'fill-opacity': bar.focus ? 1 : 0.4,
      }, bar.title)
    }
  }

  svg += '</svg>'
  const legend = apps.slice(0, APP_COLOURS.length).map(app => `<span><span class="swatch" style="background:${colour(app)}"></span>${escapeHtml(app)}</span>`).join('')
  const others = apps.length > APP_COLOURS.length ? `<span><span class="swatch" style="background:${OTHER_APP_COLOUR}"></span>other apps</span>` : ''
  return `${svg}<div class="legend">${legend}${others}<span>solid: focus session (≥ 5 min); pale: shorter</span></div>`
}

function workflowValue(json: string, w: Workflow): string {
  switch (json) {
  case 'workflow.app_switches': {
    return formatCount(w.app_switches)
  }

  case 'workflow.focus_sessions': {
    const f = w.focus_sessions
    return f.count === 0 ? '0' : `${formatCount(f.count)} · median ${formatSeconds(f.median_seconds ?? 0)}`
  }

  case 'workflow.interruptions': {
    return formatCount(w.interruptions)
  }

  case 'workflow.resume_ms.p50': {
    return w.resume_ms.p50 === null ? '—' : `${formatCount(w.resume_ms.p50)} ms`
  }

  case 'workflow.shortcuts': {
    return `${formatCount(w.shortcuts)} · ${w.shortcuts_per_click === null ? '—' : w.shortcuts_per_click.toFixed(2)} per click`
  }

  default: {
    return ''
  }
  }
}

function workflowSection(data: ReportData): string {
  const w = data.summary.workflow
  const cards = [
    card('App switches', formatCount(w.app_switches), `${formatCount(w.interruptions)} interruptions (back within 2 min)`),
    card('Focus sessions', formatCount(w.focus_sessions.count), w.focus_sessions.longest_seconds === null ? '≥ 5 min in one app' : `longest ${formatSeconds(w.focus_sessions.longest_seconds)}`),
    card('Resume time', w.resume_ms.p50 === null ? '—' : `${formatCount(w.resume_ms.p50)} ms`, 'median, switch → first key press'),
    card('Shortcuts', formatCount(w.shortcuts), `${w.shortcuts_per_click === null ? '—' : w.shortcuts_per_click.toFixed(2)} per click`),
  ].join('')
  const {head, rows} = workflowTable(data.summary)
  const cells = (values: string[], tag: string): string => values.map(value => `<${tag}>${escapeHtml(value)}</${tag}>`).join('')
  const table = `<table class="data" id="table-workflow"><thead><tr>${cells(head, 'th')}</tr></thead><tbody>${rows.map(row => `<tr>${cells(row, 'td')}</tr>`).join('')}</tbody></table>`
  return `<section id="workflow"><h2>How you move between apps</h2>
<p class="lede">Which app had your input, when, for how long, and how often you were pulled away: the shape of a working day that monitoring software records.</p>
<div class="cards flat">${cards}</div>
<h3>Focus sessions, day by day</h3>
<p class="lede">Each bar is a stretch of input in one app (a minute or more, no idle gap), on the last ${data.timeline.days} days of the range, local time.</p>
${focusTimeline(data)}
<h3>Per app</h3>${table}</section>`
}

const STYLE = `
:root { --ink: #0f172a; --muted: #64748b; --line: #e2e8f0; --accent: #4f46e5; --accent-2: #f97316; --bg: #f8fafc; }
* { box-sizing: border-box; }
body { margin: 0; font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; color: var(--ink); background: var(--bg); line-height: 1.45; }
header { background: linear-gradient(135deg, #1e1b4b, #312e81 55%, #4338ca); color: #fff; padding: 40px 0 36px; }
.wrap { max-width: 1040px; margin: 0 auto; padding: 0 28px; }
h1 { margin: 0 0 6px; font-size: 30px; letter-spacing: -0.02em; }
header p { margin: 4px 0; color: #c7d2fe; }
.badge { display: inline-block; margin-top: 12px; padding: 4px 10px; border-radius: 999px; background: rgba(255,255,255,0.12); color: #e0e7ff; font-size: 13px; }
main { padding: 28px 0 48px; }
.cards { display: grid; grid-template-columns: repeat(auto-fill, minmax(180px, 1fr)); gap: 14px; margin-top: -52px; }
.card { background: #fff; border: 1px solid var(--line); border-radius: 12px; padding: 14px 16px; box-shadow: 0 1px 2px rgba(15,23,42,0.06); }
.card .label { font-size: 12px; text-transform: uppercase; letter-spacing: 0.06em; color: var(--muted); }
.card .value { font-size: 22px; white-space: nowrap; font-weight: 650; margin-top: 2px; font-variant-numeric: tabular-nums; }
.card .note { font-size: 12px; color: var(--muted); }
section { background: #fff; border: 1px solid var(--line); border-radius: 14px; padding: 20px 22px; margin-top: 20px; }
section h2 { margin: 0 0 4px; font-size: 18px; }
section p.lede { margin: 0 0 14px; color: var(--muted); font-size: 14px; }
.chart { width: 100%; height: auto; display: block; }
.axis { font-size: 11px; fill: var(--muted); }
.rule { stroke: var(--line); stroke-width: 1; }
.bar { fill: var(--accent); }
.bar.open { fill: #a5b4fc; }
.line { fill: none; stroke: var(--accent-2); stroke-width: 2.5; stroke-linejoin: round; }
.line-label { fill: var(--accent-2); }
.marker { stroke: var(--accent-2); stroke-width: 1.5; stroke-dasharray: 4 3; }
.marker-label { font-size: 12px; fill: var(--accent-2); font-weight: 600; }
.screen { fill: #f1f5f9; stroke: #cbd5e1; }
.legend { display: flex; gap: 16px; font-size: 13px; color: var(--muted); margin-top: 8px; }
.swatch { display: inline-block; width: 12px; height: 12px; border-radius: 3px; vertical-align: -1px; margin-right: 5px; }
.two { display: grid; grid-template-columns: 1fr 1fr; gap: 20px; }
@media (max-width: 820px) { .two { grid-template-columns: 1fr; } }
table.data { width: 100%; border-collapse: collapse; font-size: 14px; font-variant-numeric: tabular-nums; }
table.data th { text-align: left; font-weight: 600; color: var(--muted); font-size: 12px; text-transform: uppercase; letter-spacing: 0.04em; border-bottom: 1px solid var(--line); padding: 8px 10px; }
table.data td { border-bottom: 1px solid var(--line); padding: 8px 10px; vertical-align: top; white-space: nowrap; }
table.data td.def { white-space: normal; }
table.heat td { text-align: center; font-size: 13px; }
table.heat td small { color: var(--muted); }
table.rhythm th, table.rhythm td { padding: 6px 3px; font-size: 11px; text-align: center; }
table.data td.def { color: #334155; }
code { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 12.5px; background: #f1f5f9; padding: 1px 5px; border-radius: 4px; }
footer { color: var(--muted); font-size: 13px; padding: 8px 0 40px; }
.empty { color: var(--muted); }
.cards.flat { margin: 0 0 16px; }
section h3 { margin: 18px 0 4px; font-size: 15px; }
`

/** The report for `data`, as a complete HTML document; `sections`: more sections (HTML) before the definitions. */
export function renderReport(data: ReportData, sections = ''): string {
  const {summary} = data
  const t = summary.totals
  const tz = summary.time_zone
  const range = `${localMinute(t.first_event, tz)} → ${localMinute(t.last_event, tz)} (${tz})`
  const cards = [
    card('Active time', formatSeconds(t.active_seconds), `gaps ≥ ${summary.idle_seconds} s are idle`),
    card('Keys', formatCount(t.keys), `${perMinute(t.keys_per_active_minute)} per active minute`),
    card('Typing rhythm', t.inter_key_ms.p50 === null ? '—' : `${t.inter_key_ms.p50} ms`, t.inter_key_ms.p90 === null ? 'no key presses' : `median interval · p90 ${t.inter_key_ms.p90} ms`),
    card('Typing bursts', formatCount(t.bursts), '≥ 5 keys, < 2 s apart'),
    card('Hesitations', formatCount(t.hesitations.count), `${formatSeconds(t.hesitations.seconds)} of 2–30 s pauses`),
    card('Corrections', t.correction_ratio === null ? '—' : formatPercent(t.correction_ratio), `${formatCount(t.corrections)} backspace/delete`),
    card('Clicks', formatCount(t.clicks)),
    card('Mouse distance', `${formatCount(t.mouse_distance_px)} px`),
    // evdev sessions' travel is in device units, not pixels: its own card, only when there is some.
    t.mouse_distance_counts > 0 ? card('Mouse distance (evdev)', `${formatCount(t.mouse_distance_counts)} units`, 'integrated from relative motion, not pixels') : '',
    card('Scrolling', formatCount(t.wheel), `${perMinute(t.scroll_per_active_minute)} wheel events per active minute`),
  ].join('')
  const definitions = METRIC_DEFINITIONS.map(d => {
    const name = `<td><strong>${escapeHtml(d.label)}</strong><br><code>${escapeHtml(d.json)}</code></td>`
    return `<tr>${name}<td>${escapeHtml(metricValue(d.json, t) || workflowValue(d.json, summary.workflow))}</td><td class="def">${escapeHtml(d.definition)}</td></tr>`
  }).join('')
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>devtrace report — ${escapeHtml(range)}</title>
<style>${STYLE}</style>
</head>
<body>
<header><div class="wrap">
<h1>What your input says about you</h1>
<p>${escapeHtml(range)} · ${formatCount(t.events)} events</p>
<p>The same numbers an employer's monitoring or an AI-training program would compute from this telemetry, computed on your own machine.</p>
<span class="badge">Self-contained: this file loads nothing from anywhere</span>
</div></header>
<main><div class="wrap">
<div class="cards" id="cards">${cards}</div>
<section id="week"><h2>When you work</h2><p class="lede">Active time by weekday and hour (local time). Darker is busier.</p>${weekHeatmap(data)}</section>
<section id="cadence"><h2>Typing cadence</h2>
<p class="lede">How long from one key press to the next. A rhythm this detailed identifies people, like a fingerprint.</p>${cadenceHistogram(data, t)}</section>
<section id="days"><h2>Day by day</h2><p class="lede">Keys per day, and active time as a line.</p>${dayTrend(data)}
<div class="legend"><span><span class="swatch" style="background:#4f46e5"></span>keys</span><span><span class="swatch" style="background:#f97316"></span>active time</span></div></section>
<div class="two">
<section id="hours"><h2>Hour of day</h2><p class="lede">Active time per hour, all days together.</p>${hourBars(data)}</section>
<section id="clicks"><h2>Where you click</h2>
<p class="lede">${formatCount(data.clicks.total)} clicks on a ${data.clicks.width}×${data.clicks.height} px area, in ${data.clicks.cell} px squares.</p>${clickHeatmap(data)}</section>
</div>
${workflowSection(data)}
<section id="digraphs"><h2>Key pairs</h2>
<p class="lede">Median time from one key press to the next, by the kinds of the two keys (presses less than 2 s apart, in one app).
Darker pairs are more frequent. Per-pair timing is the core of keystroke biometrics.</p>${digraphTable(data)}</section>
<section id="rhythm"><h2>Rhythm across the day</h2>
<p class="lede">Per local hour, all days together: median inter-key interval, median hold time and share of correction keys.
Slower typing and more corrections late in the day are what fatigue looks like.</p>${rhythmTable(data)}</section>
<section id="apps"><h2>By app</h2><p class="lede">Each gap, step and interval counts for the app of the event that ends it.</p>${appTable(data)}</section>
${sections}<section id="metrics"><h2>The metrics, defined</h2><p class="lede">Computed in SQL over your events (devtrace summarize prints the same numbers).</p>
<table class="data" id="table-metrics"><thead><tr><th>metric</th><th>value</th><th>definition</th></tr></thead><tbody>${definitions}</tbody></table></section>
</div></main>
<footer><div class="wrap">Generated by devtrace at ${escapeHtml(data.generated_at)}. idle_seconds = ${summary.idle_seconds}.</div></footer>
</body>
</html>
`
}
