import type {DuckDBConnection} from '@duckdb/node-api'

import type {CopyToRequest, Store} from './read-store.js'

import {copyToFifo} from './copy-out.js'
import {closeDatabase, openDatabase} from './open-database.js'
import {guarded, QueryGuard, type QueryLimits} from './query-guard.js'
import {type QueryParams, type RowBatch, streamQuery} from './query-stream.js'
import {readableAsCurrent, usableSchemaVersion} from './schema.js'

/**
 * Reads straight from the file, opened read-only (the daemon is not running) — or through a
 * connection this process already holds read-write (after it refreshed the rollup), so the file
 * is opened once rather than twice. Either way only SELECT runs.
 */
export class FileStore implements Store {
  readonly via = 'file'

  private constructor(
    private readonly connection: DuckDBConnection,
    private readonly release: () => void,
  ) {}

  /** Read through `connection`; `release` runs on close. */
  static over(connection: DuckDBConnection, release: () => void): FileStore {
    return new FileStore(connection, release)
  }

  static async open(file: string): Promise<FileStore> {
    const db = await openDatabase(file, {readOnly: true})
    try {
      await readableAsCurrent(db.connection, await usableSchemaVersion(db.connection, file))
    } catch (error) {
      closeDatabase(db)
      throw error
    }

    return new FileStore(db.connection, () => closeDatabase(db))
  }

  close(): void {
    this.release()
  }

  async * query(sql: string, params?: QueryParams, limits: QueryLimits = {}): AsyncGenerator<RowBatch> {
    const guard = new QueryGuard(this.connection, limits)
    try {
      yield * streamQuery(this.connection, sql, params)
    } catch (error) {
      throw guard.explain(error)
    } finally {
      guard.dispose()
    }
  }

  copyTo(request: CopyToRequest, started: () => void): Promise<number> {
    return guarded(this.connection, request, () => copyToFifo(this.connection, request, async () => started()))
  }
}
