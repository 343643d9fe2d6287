import type {DuckDBConnection} from '@duckdb/node-api'

import {z} from 'zod'

import type {QueryParams} from '../store/query-stream.js'

import {SLOT_MICROS} from '../analysis/metrics-sql.js'
import {DevtraceError, errorMessage} from '../core/errors.js'
import {defineOperation} from '../store/database-access.js'
import {eventsInTables} from '../store/schema.js'
import {recordAudit, recordAuditQuietly} from './ledger.js'
import {
  hasTimestamp, rewriteDatabase, rewriteSummary, type RewriteSummary, type TableCopy, type TableInfo,
} from './rewrite.js'

/**
 * `forget`: remove a time range for good, by rewriting the database without it (rewrite.ts).
 *
 * What goes: every row in [since, until) of every table with a `ts` timestamp (`events`,
 * `windows`, and any such table added later), and sessions that both started and ended inside
 * the range (a session still running is never removed). Derived tables keyed by a `slot`
 * timestamp (the metrics rollup, which holds app names) lose every slot overlapping the range
 * and are rebuilt from the remaining events (invalidateRollup) before the new file is sealed.
 * What stays: the ledger (`audit_log`, which gains a row saying what was forgotten),
 * `schema_version`, `meta`, and any table without such a column.
 */

/** Tables forget copies unchanged whatever their columns. */
const UNTOUCHED = new Set(['audit_log', 'meta', 'schema_version'])

const IN_RANGE = 'ts >= make_timestamp($since::BIGINT) AND ts < make_timestamp($until::BIGINT)'

export function forgetCopy(table: TableInfo): TableCopy | undefined {
  if (UNTOUCHED.has(table.name)) return undefined
  if (table.name === 'sessions') {
    return {where: 'NOT (started_at >= make_timestamp($since::BIGINT) AND ended_at IS NOT NULL AND ended_at <= make_timestamp($until::BIGINT))'}
  }

  if (hasTimestamp(table, 'ts')) return {where: `NOT (${IN_RANGE})`}
  if (hasTimestamp(table, 'slot')) return {where: `NOT (${slotOverlaps('$since::BIGINT', '$until::BIGINT')})`}
  return undefined
}

/** A `slot` (the start of a SLOT_MICROS-long period) overlapping [since, until); either end may be open (undefined). */
export function slotOverlaps(since: string | undefined, until: string | undefined): string {
  const clauses = ['TRUE']
  if (since !== undefined) clauses.push(`slot >= make_timestamp((${since} // ${SLOT_MICROS}) * ${SLOT_MICROS})`)
  if (until !== undefined) clauses.push(`slot < make_timestamp(${until})`)
  return clauses.join(' AND ')
}

/** Rebuild what derived tables (the rollup) lose for the range, inside the new file. */
export async function rebuildDerived(connection: DuckDBConnection, sinceMicros?: number, untilMicros?: number): Promise<void> {
  const {invalidateRollup} = await import('../analysis/rollup.js')
  await invalidateRollup(connection, sinceMicros, untilMicros)
}

export interface ForgetParams {
  sinceMicros: number
  untilMicros: number
  /** Recorded in the ledger: `forget` when a person asked, `retention` when the daemon enforces `retention_days`. */
  action?: 'forget' | 'retention'
}

export interface ForgetCounts {
  events: number
  sessions: number
}

/** What forget would remove (a read; it runs through the daemon or on the file). */
export function forgetCountsQuery(range: ForgetParams): {sql: string; params: QueryParams} {
  return {
    sql: `SELECT
      (SELECT count(*) FROM events WHERE ${IN_RANGE})::INTEGER AS events,
      (SELECT count(*) FROM sessions WHERE started_at >= make_timestamp($since::BIGINT) AND ended_at IS NOT NULL
         AND ended_at <= make_timestamp($until::BIGINT))::INTEGER AS sessions`,
    params: {since: range.sinceMicros, until: range.untilMicros},
  }
}

export interface ForgetResult extends RewriteSummary {
  range_start: string
  range_end: string
  forgotten: ForgetCounts
  events_kept: number
  audit_id: number
}

async function counts(connection: DuckDBConnection, range: ForgetParams): Promise<ForgetCounts> {
  const {sql, params} = forgetCountsQuery(range)
  const reader = await connection.runAndReadAll(sql, params)
  const row = reader.getRowObjects()[0]
  return {events: Number(row.events), sessions: Number(row.sessions)}
}

/**
 * The range to forget, checked and clamped: the end is never in the future, so input captured
 * meanwhile is never removed.
 */
export const forgetParams = z.object({
  sinceMicros: z.number({error: 'forget needs both --since and --until.'}),
  untilMicros: z.number({error: 'forget needs both --since and --until.'}),
  action: z.enum(['forget', 'retention']).catch('forget').default('forget'),
}).transform(({action, sinceMicros, untilMicros}) => ({
  sinceMicros, untilMicros: Math.min(untilMicros, Date.now() * 1000), action,
})).refine(range => range.sinceMicros < range.untilMicros, {error: 'The range to forget is empty: --since must be before --until (and before now).'})

export const forgetOperation = defineOperation(forgetParams, async (db, range): Promise<ForgetResult> => {
  const connection = await db.connect()
  let forgotten: ForgetCounts
  try {
    forgotten = await counts(connection, range)
  } finally {
    connection.closeSync()
  }

  let rewrite
  try {
    rewrite = await rewriteDatabase(db, {
      plan: forgetCopy,
      params: {since: range.sinceMicros, until: range.untilMicros},
      after: connection => rebuildDerived(connection, range.sinceMicros, range.untilMicros),
    })
  } catch (error) {
    await recordAuditQuietly(db, {
      action: range.action ?? 'forget',
      outcome: 'failed',
      rangeStartMicros: range.sinceMicros,
      rangeEndMicros: range.untilMicros,
      destination: db.file,
      detail: `rewrite failed: ${errorMessage(error)}`,
    })
    throw new DevtraceError(`Could not rewrite ${db.file}; nothing was removed (${errorMessage(error)}).`, {cause: error})
  }

  const after = await db.connect()
  try {
    const auditId = await recordAudit(after, {
      action: range.action ?? 'forget',
      outcome: 'ok',
      rangeStartMicros: range.sinceMicros,
      rangeEndMicros: range.untilMicros,
      rows: forgotten.events,
      bytes: rewrite.bytesAfter,
      destination: db.file,
      detail: `removed ${forgotten.events} events and ${forgotten.sessions} sessions; database rewritten (${rewrite.bytesBefore} → ${rewrite.bytesAfter} bytes)`,
    })
    return {
      range_start: new Date(range.sinceMicros / 1000).toISOString(),
      range_end: new Date(range.untilMicros / 1000).toISOString(),
      forgotten,
      events_kept: eventsInTables(rewrite.tables),
      ...rewriteSummary(db.file, rewrite),
      audit_id: auditId,
    }
  } finally {
    after.closeSync()
  }
})
