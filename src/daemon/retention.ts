import type {DatabaseAccess} from '../store/database-access.js'

/** First check shortly after start (a daemon usually starts at login), then once a day. */
export const RETENTION_FIRST_CHECK_MS = 5000
export const RETENTION_EVERY_MS = 24 * 60 * 60 * 1000

export interface RetentionResult {
  removed: number
  cutoff: string
}

/**
 * Remove everything older than `days` days for good, with the same rewrite as `forget` (no byte
 * of it stays in the file) and a `retention` row in the ledger. Does nothing, cheaply, when
 * nothing is that old; `days` 0 keeps everything.
 */
export async function enforceRetention(db: DatabaseAccess, days: number, nowMs = Date.now()): Promise<RetentionResult | undefined> {
  if (days <= 0) return undefined
  const cutoffMicros = (nowMs - days * 86_400_000) * 1000
  const connection = await db.connect()
  let oldest: null | number
  try {
    const reader = await connection.runAndReadAll(
      'SELECT epoch_us(min(ts)) AS oldest FROM events WHERE ts < make_timestamp($cutoff::BIGINT)',
      {cutoff: cutoffMicros},
    )
    const value = reader.getRowObjects()[0].oldest
    oldest = value === null ? null : Number(value)
  } finally {
    connection.closeSync()
  }

  if (oldest === null) return undefined
  const {forgetOperation} = await import('../privacy/forget.js')
  const result = await forgetOperation.run(db, {sinceMicros: oldest, untilMicros: cutoffMicros, action: 'retention'})
  return {removed: result.forgotten.events, cutoff: new Date(cutoffMicros / 1000).toISOString()}
}
