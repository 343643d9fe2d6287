import {z} from 'zod'

import type {QueryParams} from '../store/query-stream.js'

import {DevtraceError, errorMessage} from '../core/errors.js'
import {optionalNumber, parseParams} from '../core/params.js'
import {defineOperation} from '../store/database-access.js'
import {rebuildDerived, slotOverlaps} from './forget.js'
import {type AuditEntry, recordAudit, recordAuditQuietly} from './ledger.js'
import {
  coarsePositionSql, coarseTransforms, HASHED_APP_PREFIX, hashedAppSql, IN_PLACE_PROFILES, roundedTsSql,
} from './profiles.js'
import {
  hasTimestamp, rewriteDatabase, rewriteSummary, type RewriteSummary, type TableCopy, type TableInfo,
} from './rewrite.js'

/**
 * `redact`: apply a profile to the stored data in place, by rewriting the database (rewrite.ts),
 * so the values it replaces are gone from the file and its WAL, not just overwritten logically.
 *
 * - `keys`: `key_code` becomes NULL.
 * - `coarse`: key codes NULL, times rounded to 100 ms, positions snapped to the 100 px grid (evdev
 *   sessions' integrated positions NULL: profiles.ts), app
 *   names replaced by their salted hash (the same value `export --redact coarse` gives, and
 *   idempotent), and in any other table with a `ts` column, `title` becomes NULL and `app` is
 *   hashed.
 * - `aggregate` is refused: it has no per-event rows, so applying it in place would delete
 *   every event in the range. Use `forget` for that, or `export --redact aggregate`.
 *
 * Derived tables keyed by a `slot` timestamp (the metrics rollup, which holds app names) lose
 * the slots overlapping the range and are rebuilt from the redacted events. Sessions, the
 * ledger, `meta` and `schema_version` are copied unchanged.
 */

export type RedactProfile = (typeof IN_PLACE_PROFILES)[number]

export interface RedactParams {
  profile: RedactProfile
  sinceMicros?: number
  untilMicros?: number
}

const UNTOUCHED = new Set(['audit_log', 'meta', 'schema_version', 'sessions'])
/** Tables with the full `events` shape (schema.ts, migration 7). */
const WIDE_EVENT_TABLES = new Set(['events_live', 'events_other'])

function inRange(range: RedactParams): string {
  const clauses = ['TRUE']
  if (range.sinceMicros !== undefined) clauses.push('ts >= make_timestamp($since::BIGINT)')
  if (range.untilMicros !== undefined) clauses.push('ts < make_timestamp($until::BIGINT)')
  return clauses.join(' AND ')
}

function rangeParams(range: RedactParams): QueryParams {
  const params: QueryParams = {}
  if (range.sinceMicros !== undefined) params.since = range.sinceMicros
  if (range.untilMicros !== undefined) params.until = range.untilMicros
  return params
}

/** `* REPLACE (…)` applying `changes` to the rows in range only, keeping row order. */
function replaceInRange(changes: Record<string, string>, condition: string): TableCopy | undefined {
  const entries = Object.entries(changes)
  if (entries.length === 0) return undefined
  const replaced = entries.map(([column, value]) => `CASE WHEN ${condition} THEN ${value} ELSE ${column} END AS ${column}`)
  return {select: `* REPLACE (${replaced.join(', ')})`}
}

export function redactCopy(range: RedactParams): (table: TableInfo) => TableCopy | undefined {
  const condition = inRange(range)
  const old = 'old' // the rewrite reads the old file attached as `old`
  return table => {
    if (UNTOUCHED.has(table.name)) return undefined
    const has = (name: string): boolean => table.columns.some(column => column.name === name)
    if (WIDE_EVENT_TABLES.has(table.name)) {
      if (range.profile === 'keys') return replaceInRange({key_code: 'NULL'}, condition)
      return replaceInRange({key_code: 'NULL', ...coarseTransforms(old)}, condition)
    }

    // The rollup keeps app names but no key codes: only coarse changes what it holds.
    if (range.profile === 'coarse' && hasTimestamp(table, 'slot')) {
      const bound = (name: 'since' | 'until'): string | undefined => (rangeParams(range)[name] === undefined ? undefined : `$${name}::BIGINT`)
      return {where: `NOT (${slotOverlaps(bound('since'), bound('until'))})`}
    }

    if (range.profile !== 'coarse' || !hasTimestamp(table, 'ts')) return undefined
    const changes: Record<string, string> = {}
    if (has('title')) changes.title = 'NULL'
    if (has('app')) changes.app = hashedAppSql('app', {database: old, table: table.name})
    return replaceInRange(changes, condition)
  }
}

/** Per column, how many stored values in the range the profile would change; and the rows in range. */
export function redactPreviewQuery(range: RedactParams): {sql: string; params: QueryParams} {
  const condition = inRange(range)
  const columns = range.profile === 'keys'
    ? ['count(key_code)::INTEGER AS key_code']
    : [
      'count(key_code)::INTEGER AS key_code',
      `count(*) FILTER (WHERE ts <> ${roundedTsSql('ts')})::INTEGER AS ts`,
      `count(*) FILTER (WHERE x IS DISTINCT FROM ${coarsePositionSql('x')})::INTEGER AS x`,
      `count(*) FILTER (WHERE y IS DISTINCT FROM ${coarsePositionSql('y')})::INTEGER AS y`,
      `count(*) FILTER (WHERE app IS NOT NULL AND NOT starts_with(app, '${HASHED_APP_PREFIX}'))::INTEGER AS app`,
    ]
  return {
    sql: `SELECT count(*)::INTEGER AS rows, ${columns.join(', ')} FROM events WHERE ${condition}`,
    params: rangeParams(range),
  }
}

export interface RedactPreview {
  /** Events in the range. */
  rows: number
  /** Column → how many values change. */
  columns: Record<string, number>
}

export function previewFromRow(row: Record<string, unknown>): RedactPreview {
  const {rows, ...columns} = row
  return {rows: Number(rows), columns: Object.fromEntries(Object.entries(columns).map(([name, n]) => [name, Number(n)]))}
}

export interface RedactResult extends RedactPreview, RewriteSummary {
  profile: RedactProfile
  range_start: null | string
  range_end: null | string
  audit_id: number
}

const redactProfile = z.unknown().optional().superRefine((value, context) => {
  if (value === 'aggregate') {
    context.addIssue({
      code: 'custom',
      message: 'redact --profile aggregate would delete every event in the range: aggregate keeps no per-event rows.',
      params: {suggestion: 'To delete a range use `devtrace forget`; for per-minute totals use `devtrace export --redact aggregate`.'},
    })
  } else if (!(IN_PLACE_PROFILES as readonly unknown[]).includes(value)) {
    context.addIssue({code: 'custom', message: `Unknown profile "${String(value)}".`, params: {suggestion: `Use ${IN_PLACE_PROFILES.join(' or ')}.`}})
  }
}).transform(value => value as RedactProfile)

/** The profile and range to redact; the end is never past now (input captured while the rewrite runs was not asked for). */
function redactRange(nowMicros: () => number) {
  return z.object({
    profile: redactProfile,
    sinceMicros: optionalNumber,
    untilMicros: optionalNumber,
  }).transform(({profile, sinceMicros, untilMicros}): RedactParams => {
    const now = nowMicros()
    return {profile, sinceMicros, untilMicros: Math.min(untilMicros ?? now, now)}
  }).refine(range => range.sinceMicros === undefined || range.sinceMicros < range.untilMicros!, {
    error: 'The range to redact is empty: --since must be before --until (and before now).',
  })
}

export function redactParams(raw: Record<string, unknown>, nowMicros = Date.now() * 1000): RedactParams {
  return parseParams(redactRange(() => nowMicros), raw)
}

export const redactOperation = defineOperation(redactRange(() => Date.now() * 1000), async (db, range): Promise<RedactResult> => {
  const {sql, params: queryParams} = redactPreviewQuery(range)
  const connection = await db.connect()
  let preview: RedactPreview
  try {
    preview = previewFromRow((await connection.runAndReadAll(sql, queryParams)).getRowObjects()[0])
  } finally {
    connection.closeSync()
  }

  // What the ledger says of this redaction, whether the rewrite fails or succeeds.
  const entry = {
    action: 'redact',
    profile: range.profile,
    rangeStartMicros: range.sinceMicros ?? null,
    rangeEndMicros: range.untilMicros ?? null,
    destination: db.file,
  } satisfies Partial<AuditEntry>
  let rewrite
  try {
    rewrite = await rewriteDatabase(db, {
      plan: redactCopy(range),
      params: rangeParams(range),
      after: range.profile === 'coarse' ? connection => rebuildDerived(connection, range.sinceMicros, range.untilMicros) : undefined,
    })
  } catch (error) {
    await recordAuditQuietly(db, {...entry, outcome: 'failed', detail: `rewrite failed: ${errorMessage(error)}`})
    throw new DevtraceError(`Could not rewrite ${db.file}; nothing was changed (${errorMessage(error)}).`, {cause: error})
  }

  const after = await db.connect()
  try {
    const changed = Object.entries(preview.columns).filter(([, n]) => n > 0).map(([column, n]) => `${column} ${n}`)
    const auditId = await recordAudit(after, {
      ...entry,
      outcome: 'ok',
      rows: preview.rows,
      bytes: rewrite.bytesAfter,
      detail: `values changed: ${changed.length > 0 ? changed.join(', ') : 'none'}; database rewritten`,
    })
    return {
      profile: range.profile,
      range_start: range.sinceMicros === undefined ? null : new Date(range.sinceMicros / 1000).toISOString(),
      range_end: range.untilMicros === undefined ? null : new Date(range.untilMicros / 1000).toISOString(),
      ...preview,
      ...rewriteSummary(db.file, rewrite),
      audit_id: auditId,
    }
  } finally {
    after.closeSync()
  }
})
