import type {DuckDBConnection} from '@duckdb/node-api'

import type {JsonValue} from '../core/values.js'
import type {DatabaseAccess} from '../store/database-access.js'
import type {Store} from '../store/read-store.js'

/**
 * The ledger (`audit_log`): one row for every export, upload attempt, redaction and forget —
 * what was done, when, over which range, with which profile, how many rows and bytes, the
 * sha256 of what was written and where it went. It records facts about data, never the data:
 * nothing a profile drops can reach it. `forget` and `redact` copy it unchanged, so it
 * survives them.
 */

/** `retention` is the daemon's own forget of data older than `retention_days`. */
export type AuditAction = 'export' | 'forget' | 'redact' | 'retention' | 'upload'
/** `ok` for a local action that completed; `sent` for an upload the server accepted; `failed` otherwise. */
export type AuditOutcome = 'failed' | 'ok' | 'sent'

export interface AuditEntry {
  action: AuditAction
  outcome: AuditOutcome
  /** The range the action covered, µs since the epoch; null for open ends. */
  rangeStartMicros?: null | number
  rangeEndMicros?: null | number
  profile?: null | string
  format?: null | string
  rows?: null | number
  bytes?: null | number
  sha256?: null | string
  /** A file path or URL (never with credentials in it). */
  destination?: null | string
  /** A short free-text note: the reason for a failure, the HTTP status, … */
  detail?: null | string
  /** When it happened, µs since the epoch; defaults to now. */
  atMicros?: number
}

/** One ledger row as `audit --json` prints it (times ISO-8601 UTC). */
export interface AuditRow {
  id: number
  ts: string
  action: string
  outcome: string
  range_start: null | string
  range_end: null | string
  profile: null | string
  format: null | string
  rows: null | number
  bytes: null | number
  sha256: null | string
  destination: null | string
  detail: null | string
}

export const AUDIT_COLUMNS = [
  'id', 'ts', 'action', 'outcome', 'range_start', 'range_end', 'profile', 'format', 'rows', 'bytes', 'sha256', 'destination', 'detail',
] as const

const micros = (value: null | number | undefined): null | number => (value === undefined || value === null ? null : Math.trunc(value))

/** Append one entry; returns its id. Call it where the database is open for writing (an operation). */
export async function recordAudit(connection: DuckDBConnection, entry: AuditEntry): Promise<number> {
  const reader = await connection.runAndReadAll(
    `INSERT INTO audit_log (ts, action, outcome, range_start, range_end, profile, format, rows, bytes, sha256, destination, detail)
     VALUES (make_timestamp($at::BIGINT), $action, $outcome, make_timestamp($range_start::BIGINT), make_timestamp($range_end::BIGINT),
       $profile::VARCHAR, $format::VARCHAR, $rows::BIGINT, $bytes::BIGINT, $sha256::VARCHAR, $destination::VARCHAR, $detail::VARCHAR)
     RETURNING id`,
    {
      at: micros(entry.atMicros) ?? Date.now() * 1000,
      action: entry.action,
      outcome: entry.outcome,
      range_start: micros(entry.rangeStartMicros),
      range_end: micros(entry.rangeEndMicros),
      profile: entry.profile ?? null,
      format: entry.format ?? null,
      rows: entry.rows ?? null,
      bytes: entry.bytes ?? null,
      sha256: entry.sha256 ?? null,
      destination: entry.destination ?? null,
      detail: entry.detail ?? null,
    },
  )
  return Number(reader.getRowObjects()[0].id)
}

/** The ledger, oldest first (a read: runs through the daemon when it holds the file). */
export const AUDIT_QUERY = `SELECT ${AUDIT_COLUMNS.join(', ')} FROM audit_log ORDER BY ts, id`

export async function listAudit(store: Store): Promise<AuditRow[]> {
  const rows: AuditRow[] = []
  for await (const batch of store.query(AUDIT_QUERY)) {
    for (const row of batch.rows) {
      const object: Record<string, JsonValue> = {}
      for (const [index, column] of batch.columns.entries()) object[column] = row[index]
      rows.push(object as unknown as AuditRow)
    }
  }

  return rows
}

/**
 * Record an entry where the database is held, and never throw: for failures, whose own error is
 * what reaches the user even when the database cannot be reopened to note it.
 */
export async function recordAuditQuietly(db: DatabaseAccess, entry: AuditEntry): Promise<void> {
  try {
    const connection = await db.connect()
    try {
      await recordAudit(connection, entry)
    } finally {
      connection.closeSync()
    }
  } catch {
    // Nothing more to do: the caller is already reporting the failure itself.
  }
}
