import type {Operation} from '../store/operations.js'

import {UsageError} from '../core/errors.js'
import {
  type AuditAction, type AuditEntry, type AuditOutcome, recordAudit,
} from './ledger.js'

/**
 * `audit-record`: one ledger entry written where the database is held (inside the daemon when it
 * runs), for commands whose work happens outside the database — an upload's outcome is only
 * known after the network has answered. The entry is checked here: known action and outcome,
 * numbers that are numbers, short texts.
 */

const ACTIONS = new Set<string>(['export', 'forget', 'redact', 'retention', 'upload'] satisfies AuditAction[])
const OUTCOMES = new Set<string>(['failed', 'ok', 'sent'] satisfies AuditOutcome[])
const MAX_TEXT = 500

export function auditEntryFromParams(raw: Record<string, unknown>): AuditEntry {
  const action = String(raw.action) as AuditAction
  const outcome = String(raw.outcome) as AuditOutcome
  if (!ACTIONS.has(action)) throw new UsageError(`Unknown ledger action "${action}".`)
  if (!OUTCOMES.has(outcome)) throw new UsageError(`Unknown ledger outcome "${outcome}".`)
  const number = (key: string): null | number => {
    const value = raw[key]
    if (value === undefined || value === null) return null
    if (typeof value !== 'number' || !Number.isFinite(value)) throw new UsageError(`Ledger field ${key} must be a number.`)
    return value
  }

  const text = (key: string): null | string => {
    const value = raw[key]
    if (value === undefined || value === null) return null
    return String(value).slice(0, MAX_TEXT)
  }

  return {
    action,
    outcome,
    rangeStartMicros: number('rangeStartMicros'),
    rangeEndMicros: number('rangeEndMicros'),
    profile: text('profile'),
    format: text('format'),
    rows: number('rows'),
    bytes: number('bytes'),
    sha256: text('sha256'),
    destination: text('destination'),
    detail: text('detail'),
    atMicros: number('atMicros') ?? undefined,
  }
}

export const auditRecordOperation: Operation = async (db, raw): Promise<{audit_id: number}> => {
  const entry = auditEntryFromParams(raw)
  const connection = await db.connect()
  try {
    return {audit_id: await recordAudit(connection, entry)}
  } finally {
    connection.closeSync()
  }
}
