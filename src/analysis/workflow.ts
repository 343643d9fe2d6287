import type {JsonValue} from '../core/values.js'

import {ceilSlot, floorSlot, INTERRUPTION_MAX_SECONDS} from './metrics-sql.js'
import {
  type PieceSources, ROLLUP_SPLIT_SECONDS, stretchesQuery, workflowQuery,
} from './workflow-sql.js'

/** Runs a read-only query and returns its rows as objects (summary.ts's collect, bound to a store). */
export type Rows = (sql: string, params?: Record<string, number | string>) => Promise<Array<Record<string, JsonValue>>>

/** How input moves between apps (`summarize --json` → `workflow`). See workflow-sql.ts for the rules. */
export interface Workflow {
  app_switches: number
  focus_sessions: {count: number; median_seconds: null | number; longest_seconds: null | number}
  interruptions: number
  /** `count`: the switches followed by a key press in the new app within idle_seconds. */
  resume_ms: {p50: null | number; count: number}
  shortcuts: number
  shortcuts_per_click: null | number
}

/** The same for one app of `--by app`: switches into and out of it instead of app_switches. */
export interface AppWorkflow extends Omit<Workflow, 'app_switches'> {
  switches_in: number
  switches_out: number
}

export interface WorkflowOptions {
  sinceMicros?: number
  untilMicros?: number
  idleSeconds: number
  /** Use the rollup's pieces where they cover the range (default true). */
  rollup?: boolean
}

/** The rollup's mark when it has a pieces table (a database without a rollup, or one from before it: null). */
async function pieceCoverage(rows: Rows): Promise<null | number> {
  const [tables] = await rows(`SELECT count(*)::INTEGER AS n FROM duckdb_tables()
    WHERE schema_name = 'main' AND table_name IN ('rollup_state', 'rollup_app_runs')`)
  if (Number(tables?.n) !== 2) return null
  const [state] = await rows('SELECT epoch_us(covered_until) AS w FROM rollup_state LIMIT 1')
  return state ? Number(state.w) : null
}

/**
 * Where the pieces come from: whole slots inside the range and before the rollup's mark from the
 * rollup (unless idle_seconds is below the rollup's cut), the rest from events; with a start,
 * also the 2 minutes before it (for interruptions) and the last action before that (for the
 * first switch), read but not counted.
 */
export function planPieces(coveredUntil: null | number, since: number | undefined, until: number | undefined, idleSeconds: number): PieceSources {
  const useRollup = coveredUntil !== null && idleSeconds >= ROLLUP_SPLIT_SECONDS
  const sources: PieceSources = {ranges: [], splitMicros: Math.min(idleSeconds, ROLLUP_SPLIT_SECONDS) * 1_000_000}
  if (since !== undefined) {
    const context = since - INTERRUPTION_MAX_SECONDS * 1_000_000
    sources.ranges.push({from: context, to: since, keep: false})
    sources.before = {at: context, coveredUntil: useRollup ? coveredUntil : null}
  }

  const a = since === undefined ? undefined : ceilSlot(since)
  const b = useRollup ? (until === undefined ? coveredUntil : Math.min(floorSlot(until), coveredUntil)) : undefined
  if (b === undefined || (a !== undefined && a >= b)) {
    sources.ranges.push({from: since, to: until, keep: true})
    return sources
  }

  sources.rollup = {from: a, to: b}
  if (since !== undefined && a !== undefined && since < a) sources.ranges.push({from: since, to: a, keep: true})
  if (until === undefined || b < until) sources.ranges.push({from: b, to: until, keep: true})
  return sources
}

async function sourcesFor(rows: Rows, options: WorkflowOptions): Promise<PieceSources> {
  const covered = options.rollup === false ? null : await pieceCoverage(rows)
  return planPieces(covered, options.sinceMicros, options.untilMicros, options.idleSeconds)
}

function count(value: JsonValue | undefined): number {
  return value === null || value === undefined ? 0 : Number(value)
}

function seconds(us: JsonValue | undefined): null | number {
  return us === null || us === undefined ? null : Math.round(Number(us) / 1000) / 1000
}

/** shortcuts ÷ clicks, null without clicks. */
export function perClick(shortcuts: number, clicks: number): null | number {
  return clicks > 0 ? Math.round((shortcuts / clicks) * 1000) / 1000 : null
}

function fromRow(row: Record<string, JsonValue> | undefined, clicks: number): Omit<Workflow, 'app_switches'> {
  const shortcuts = count(row?.shortcuts)
  return {
    focus_sessions: {count: count(row?.sessions), median_seconds: seconds(row?.session_median_us), longest_seconds: seconds(row?.session_longest_us)},
    interruptions: count(row?.interruptions),
    resume_ms: {p50: row?.resume_p50_ms === null || row?.resume_p50_ms === undefined ? null : Number(row.resume_p50_ms), count: count(row?.resumes)},
    shortcuts,
    shortcuts_per_click: perClick(shortcuts, clicks),
  }
}

/**
 * The workflow metrics of a range, and per app when `clicksByApp` is given (the clicks of each
 * app group, for shortcuts_per_click; keys are app names, '' for events without one).
 */
export async function computeWorkflow(
  rows: Rows,
  options: WorkflowOptions & {clicks: number; clicksByApp?: Map<string, number>},
): Promise<{workflow: Workflow; byApp: Map<string, AppWorkflow>}> {
  const {sql, params} = workflowQuery(await sourcesFor(rows, options), {idleSeconds: options.idleSeconds, byApp: options.clicksByApp !== undefined})
  const byApp = new Map<string, AppWorkflow>()
  let workflow: undefined | Workflow
  for (const row of await rows(sql, params)) {
    if (row.is_all) {
      workflow = {app_switches: count(row.switches_in), ...fromRow(row, options.clicks)}
    } else {
      const app = row.g === null ? '' : String(row.g)
      byApp.set(app, {switches_in: count(row.switches_in), switches_out: count(row.switches_out), ...fromRow(row, options.clicksByApp?.get(app) ?? 0)})
    }
  }

  return {workflow: workflow ?? {app_switches: 0, ...fromRow(undefined, options.clicks)}, byApp}
}

/** One stretch of the focus-sessions timeline (µs since the epoch). */
export interface Stretch {app: string; start_us: number; end_us: number; focus: boolean}

/** The stretches in one app (see stretchesQuery) of at least `minSeconds` that end at or after `fromMicros`. */
export async function computeStretches(rows: Rows, options: WorkflowOptions & {minSeconds: number; fromMicros: number}): Promise<Stretch[]> {
  const {sql, params} = stretchesQuery(await sourcesFor(rows, options), options)
  return (await rows(sql, params)).map(row => ({
    app: String(row.app), start_us: Number(row.start_us), end_us: Number(row.end_us), focus: Boolean(row.focus),
  }))
}

/** An app group with no actions (only moves or releases): nothing switched, nothing counted. */
export function emptyAppWorkflow(clicks: number): AppWorkflow {
  return {switches_in: 0, switches_out: 0, ...fromRow(undefined, clicks)}
}
