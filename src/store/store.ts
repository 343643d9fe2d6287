import {existsSync} from 'node:fs'

import type {StatePaths} from '../config/paths.js'
import type {CopyFormat} from './copy-out.js'
import type {QueryLimits} from './query-guard.js'
import type {QueryParams, RowBatch} from './query-stream.js'

import {DevtraceError} from '../core/errors.js'
import {DaemonClient} from '../ipc/client.js'

/**
 * Where reads go. While the daemon runs it owns the database file (DuckDB lets no other
 * process open it, not even read-only), so reads travel over its socket; when it is stopped
 * the command opens the file itself. Commands never know which one they have.
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

export async function openStore(paths: StatePaths): Promise<Store> {
  const client = await DaemonClient.connect(paths)
  if (client) return new DaemonStore(client)
  if (!existsSync(paths.database)) {
    throw new DevtraceError(`There is no devtrace database yet (${paths.database}).`, {
      suggestion: 'Start capturing with `devtrace start`, or try `devtrace demo`.',
    })
  }

  const {FileStore} = await import('./file-store.js')
  return FileStore.open(paths.database)
}

class DaemonStore implements Store {
  readonly via = 'daemon'

  constructor(private readonly client: DaemonClient) {}

  close(): void {
    this.client.close()
  }

  // The daemon enforces the timeout (it holds the connection to interrupt), and interrupts the
  // query by itself if this process goes away.
  async * query(sql: string, params?: QueryParams, limits: QueryLimits = {}): AsyncGenerator<RowBatch> {
    // The daemon names the columns in the first batch only (no need to repeat them for every
    // ~2048 rows); every batch this yields carries them, exactly as FileStore's do.
    let columns: string[] = []
    for await (const reply of this.client.messages('query', {sql, params, timeoutMs: limits.timeoutMs ?? 0})) {
      if (reply.type !== 'rows') continue
      columns = reply.columns ?? columns
      yield {columns, rows: reply.rows as RowBatch['rows']}
    }
  }

  async copyTo(request: CopyToRequest, started: () => void): Promise<number> {
    let rows = 0
    for await (const reply of this.client.messages('copy', {...request, timeoutMs: request.timeoutMs ?? 0})) {
      if (reply.type === 'rows') started()
      if (reply.type === 'end') rows = Number(reply.summary?.rows ?? 0)
    }

    return rows
  }
}
