import type {CopyFormat} from './copy-out.js'
import type {QueryLimits} from './query-guard.js'
import type {QueryParams, RowBatch} from './query-stream.js'

/**
 * Where reads go. While the daemon runs it owns the database file (DuckDB lets no other
 * process open it, not even read-only), so reads travel over its socket; when it is stopped
 * the command opens the file itself. Commands never know which one they have: they get one
 * from `openStore` (store.ts), which asks the one backend seam (backend.ts).
 */
export interface Store {
  readonly via: 'daemon' | 'file'
  /** A read-only query, a batch of rows at a time. Anything that would write is refused. */
  query(sql: string, params?: QueryParams, limits?: QueryLimits): AsyncGenerator<RowBatch>
  /**
   * The fast path for large CSV/JSON output: DuckDB writes the (read-only) query's result into
   * the FIFO at `fifo`; `started` runs once the writer end is open. Resolves with the row count.
   */
  copyTo(request: CopyToRequest, started: () => void): Promise<number>
  close(): void
}

export interface CopyToRequest extends QueryLimits {
  sql: string
  format: CopyFormat
  fifo: string
}
