import type {Status} from '../daemon/control.js'
import type {CompactionProgress, DaemonStatus, RollupBuildProgress} from '../ipc/protocol.js'

import {formatDuration} from '../core/duration.js'
import {colourFor} from './colour.js'
import {messageTime} from './daemon-view.js'
import {formatBytes} from './format.js'
import {safeText} from './safe-text.js'

/** `devtrace status` for a person: one label and value a line. */
export function statusText(status: Status & {excluded_apps?: string[]}): string {
  const c = colourFor()
  // App names, errors and paths come from elsewhere: made safe before any colour is added.
  const t = (text: string): string => safeText(text)
  const rows: Array<[string, string]> = []
  if (status.running) {
    const state = status.paused
      ? c.yellow(`paused${status.resumes_at ? ` (resumes at ${messageTime(status.resumes_at)})` : ''}`)
      : c.green('capturing')
    rows.push(
      ['state', state],
      ['pid', String(status.pid)],
      ['uptime', formatDuration(status.uptime_seconds * 1000)],
      ['level', status.level],
      ['backend', backendText(status)],
      ['events', `${status.events_session} this session, ${status.events_total} in total`],
    )
    const counters = captureText(status.capture)
    if (counters) rows.push(['capture', counters])
    // A daemon of an older version has no app_context; its app_tracking says as much.
    const context = status.app_context ?? {source: status.app_tracking, available: status.app_tracking !== 'none', reason: status.app_tracking_problem}
    if (status.app_tracking !== 'off' && !context.available) rows.push(['app', c.dim(`not tracked (${t(context.reason ?? '')})`)])
    else if (status.app_tracking !== 'off') {
      const via = context.source === 'x11' ? '' : c.dim(` (from ${context.source})`)
      rows.push(['app', (status.app_excluded ? c.yellow(`${t(status.app ?? '')} (excluded: nothing is recorded)`) : (status.app === null ? c.dim('unknown') : t(status.app))) + via])
    }

    if (status.excluded_events > 0) rows.push(['excluded', `${status.excluded_events} events in excluded apps (not recorded)`])
    if (status.panic_hotkey) rows.push(['hotkey', `${status.panic_hotkey} pauses and resumes`])
    if (status.dropped > 0) rows.push(['dropped', c.red(`${status.dropped} events (the queue was full)`)])
    if (status.rollup_build) rows.push(['rollup', rollupText(status.rollup_build)])
    if (status.compaction) rows.push(['compaction', compactionText(status.compaction, c)])
    if (status.queries_running > 0) rows.push(['queries', `${status.queries_running} running (each stops at its --timeout, or when its command ends)`])
    if (status.last_write_error) rows.push(['write error', c.red(t(status.last_write_error))])
    if (status.wal_moved_to) rows.push(['recovered', c.yellow(`an unreadable WAL was moved to ${t(status.wal_moved_to)}`)])
  } else {
    rows.push(['state', c.dim('not running')], ['events', `${status.events_total} in total`])
    if (status.note) rows.push(['note', t(status.note)])
  }

  if (status.excluded_apps) rows.push(['excluded apps', status.excluded_apps.length === 0 ? c.dim('(none)') : t(status.excluded_apps.join(', '))])
  rows.push(['database', `${t(status.database)} (${formatBytes(status.database_bytes)})`])
  const width = Math.max(...rows.map(([label]) => label.length))
  return rows.map(([label, value]) => `${c.bold(label.padEnd(width))}  ${value}`).join('\n')
}

/** A background rollup build: how far, and that summaries stay exact meanwhile. */
function rollupText(build: RollupBuildProgress): string {
  const events = `${build.events_done.toLocaleString('en-US')} of ${build.events_total.toLocaleString('en-US')} events`
  return `building in the background: ${build.percent}% (${events}); summaries meanwhile read raw events, slower but exact`
}

/** Past days being compacted in the background, or why that has not started. */
function compactionText(compaction: CompactionProgress, c: ReturnType<typeof colourFor>): string {
  if (compaction.waiting_for_space) return c.yellow(`not started: ${compaction.waiting_for_space}`)
  return `${compaction.done_days} of ${compaction.done_days + compaction.pending_days} past days compacted in the background; queries read them meanwhile as before`
}

/** The backend, and for evdev what its pointer positions mean (no pixels on Wayland or a console). */
function backendText(status: Pick<DaemonStatus, 'backend' | 'pointer_positions'>): string {
  return status.pointer_positions === 'integrated_device_units'
    ? `${status.backend} (pointer positions are integrated from relative motion, in device units, not screen pixels)`
    : status.backend
}

/** The backend's counters, `devices_open: 2` as "2 devices open"; empty when it keeps none. */
function captureText(counters: DaemonStatus['capture']): string {
  return Object.entries(counters ?? {}).map(([name, value]) => {
    const words = name.split('_')
    // "devices_open" reads as "2 devices open"; a name without a noun first stays "name: value".
    return words.length > 1 ? `${value} ${words.join(' ')}` : `${name}: ${value}`
  }).join(', ')
}
