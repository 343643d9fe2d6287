import type {CopyToRequest, Store} from './store.js'

import {copyToFifo} from './copy-out.js'
import {closeDatabase, openDatabase, type OpenedDatabase} from './open-database.js'
import {guarded, QueryGuard, type QueryLimits} from './query-guard.js'
import {type QueryParams, type RowBatch, streamQuery} from './query-stream.js'
import {usableSchemaVersion} from './schema.js'

/** Reads straight from the file, opened read-only (the daemon is not running). */
export class FileStore implements Store {
  readonly via = 'file'

  private constructor(private readonly db: OpenedDatabase) {}

  static async open(file: string): Promise<FileStore> {
    const db = await openDatabase(file, {readOnly: true})
    try {
      await usableSchemaVersion(db.connection, file)
    } catch (error) {
      closeDatabase(db)
      throw error
    }

    return new FileStore(db)
  }

  close(): void {
    closeDatabase(this.db)
  }

  async * query(sql: string, params?: QueryParams, limits: QueryLimits = {}): AsyncGenerator<RowBatch> {
    const guard = new QueryGuard(this.db.connection, limits)
    try {
      yield * streamQuery(this.db.connection, sql, params)
    } catch (error) {
      throw guard.explain(error)
    } finally {
      guard.dispose()
    }
  }

  copyTo(request: CopyToRequest, started: () => void): Promise<number> {
    return guarded(this.db.connection, request, () => copyToFifo(this.db.connection, request, async () => started()))
  }
}
