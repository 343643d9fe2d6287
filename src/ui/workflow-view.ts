import type {ChalkInstance} from 'chalk'

import type {Summary} from '../analysis/summary.js'
import type {AppWorkflow, Workflow} from '../analysis/workflow.js'

import {formatCount, formatSeconds} from './charts.js'
import {renderTable} from './table.js'

function sessions(w: Pick<Workflow, 'focus_sessions'>): string {
  const f = w.focus_sessions
  return f.count === 0 ? '0' : `${formatCount(f.count)} · median ${formatSeconds(f.median_seconds ?? 0)} · longest ${formatSeconds(f.longest_seconds ?? 0)}`
}

function resume(w: Pick<Workflow, 'resume_ms'>): string {
  return w.resume_ms.p50 === null ? '—' : `p50 ${formatCount(w.resume_ms.p50)} ms`
}

function perClick(value: null | number): string {
  return value === null ? '—' : value.toFixed(2)
}

/** The workflow lines (label, value, note) for the terminal summary. */
export function workflowLines(w: Workflow): Array<[string, string, string]> {
  return [
    ['app switches', formatCount(w.app_switches), 'between key presses, clicks and scrolls'],
    ['focus sessions', sessions(w), '≥ 5 min in one app, no idle gap'],
    ['interruptions', formatCount(w.interruptions), 'back in an app within 2 min of leaving it'],
    ['resume time', resume(w), `last input before a switch → first key press after it (${formatCount(w.resume_ms.count)} switches)`],
    ['shortcuts', formatCount(w.shortcuts), `${perClick(w.shortcuts_per_click)} per click (ctrl/alt/meta + key)`],
  ]
}

/** The per-app workflow table (groups of `--by app`), shared by the terminal and the report. */
export function workflowTable(summary: Summary): {head: string[]; rows: string[][]} {
  const apps = summary.groups.filter((g): g is typeof g & {workflow: AppWorkflow} => g.workflow !== undefined)
  const head = ['app', 'switches in', 'out', 'interruptions', 'focus sessions', 'resume p50', 'shortcuts', 'per click']
  const rows = apps.map(g => [
    g.group ?? '(unknown)',
    formatCount(g.workflow.switches_in),
    formatCount(g.workflow.switches_out),
    formatCount(g.workflow.interruptions),
    formatCount(g.workflow.focus_sessions.count),
    g.workflow.resume_ms.p50 === null ? '—' : `${formatCount(g.workflow.resume_ms.p50)} ms`,
    formatCount(g.workflow.shortcuts),
    perClick(g.workflow.shortcuts_per_click),
  ])
  return {head, rows}
}

/** `summarize` (terminal): how input moves between apps, and per app with --by app. */
export function renderWorkflow(summary: Summary, c: ChalkInstance): string {
  const lines = workflowLines(summary.workflow)
  const width = Math.max(...lines.map(([label]) => label.length))
  let text = `\n${c.bold('Workflow')} ${c.dim('(how your input moves between apps)')}\n`
  text += lines.map(([label, value, note]) => `  ${label.padEnd(width)}  ${c.bold(value)}  ${c.dim(note)}`).join('\n') + '\n'
  const table = workflowTable(summary)
  if (table.rows.length > 0) {
    const {head, rows} = table
    text += '\n' + renderTable(head, rows).split('\n').map(line => `  ${line.trimEnd()}`).join('\n') + '\n'
  }

  return text
}
