import type {DuckDBConnection} from '@duckdb/node-api'

/**
 * What an operation that changes the database gets to work with, wherever the database lives:
 * inside the daemon while it runs, or opened read-write by the command when it does not.
 */
export interface DatabaseAccess {
  /** The database file's path. */
  readonly file: string
  /** A fresh connection; close it when done. */
  connect(): Promise<DuckDBConnection>
  /**
   * Run `work` while no one holds the file (to rewrite it and swap a new one in), then open it
   * again. Inside the daemon, capture keeps buffering meanwhile and writes it all afterwards.
   */
  offline<T>(work: () => Promise<T>): Promise<T>
}

export type Operation = (db: DatabaseAccess, params: Record<string, unknown>) => Promise<unknown>

/**
 * Operations by name, loaded on first use. Each runs in exactly one place: the daemon when it
 * is running (it owns the file), else the command's own process.
 */
export const OPERATIONS: Record<string, () => Promise<Operation>> = {
  checkpoint: async () => async db => {
    const connection = await db.connect()
    try {
      await connection.run('CHECKPOINT')
      return {checkpointed: true}
    } finally {
      connection.closeSync()
    }
  },
  'rollup-refresh': async () => (await import('../analysis/rollup.js')).rollupRefreshOperation,
  export: async () => (await import('../transfer/export.js')).exportOperation,
  forget: async () => (await import('../privacy/forget.js')).forgetOperation,
  redact: async () => (await import('../privacy/redact.js')).redactOperation,
  'upload-payload': async () => (await import('../transfer/upload-payload.js')).uploadPayloadOperation,
  'audit-record': async () => (await import('../privacy/audit-record.js')).auditRecordOperation,
}

export async function loadOperation(name: string): Promise<Operation | undefined> {
  return Object.hasOwn(OPERATIONS, name) ? OPERATIONS[name]() : undefined
}
