import {z} from 'zod'

import {oneOf} from '../core/params.js'
import {defineOperation} from '../store/database-access.js'
import {
  type AuditAction, type AuditEntry, type AuditOutcome, recordAudit,
} from './ledger.js'

/**
 * `audit-record`: one ledger entry written where the database is held (inside the daemon when it
 * runs), for commands whose work happens outside the database — an upload's outcome is only
 * known after the network has answered. The entry is checked here: known action and outcome,
 * numbers that are numbers, short texts.
 */

const ACTIONS = ['export', 'forget', 'redact', 'retention', 'upload'] as const satisfies AuditAction[]
const OUTCOMES = ['failed', 'ok', 'sent'] as const satisfies AuditOutcome[]
const MAX_TEXT = 500

const ledgerNumber = (key: string) => z.number({error: `Ledger field ${key} must be a number.`}).nullish().transform(value => value ?? null)
const ledgerText = z.unknown().optional().transform(value => (value === undefined || value === null ? null : String(value).slice(0, MAX_TEXT)))

export const auditEntryParams = z.object({
  action: oneOf(ACTIONS, 'ledger action'),
  outcome: oneOf(OUTCOMES, 'ledger outcome'),
  rangeStartMicros: ledgerNumber('rangeStartMicros'),
  rangeEndMicros: ledgerNumber('rangeEndMicros'),
  profile: ledgerText,
  format: ledgerText,
  rows: ledgerNumber('rows'),
  bytes: ledgerNumber('bytes'),
  sha256: ledgerText,
  destination: ledgerText,
  detail: ledgerText,
  atMicros: ledgerNumber('atMicros').transform(value => value ?? undefined),
}) satisfies z.ZodType<AuditEntry>

export const auditRecordOperation = defineOperation(auditEntryParams, async (db, entry): Promise<{audit_id: number}> => {
  const connection = await db.connect()
  try {
    return {audit_id: await recordAudit(connection, entry)}
  } finally {
    connection.closeSync()
  }
})
