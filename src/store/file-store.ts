import type {Store} from './store.js'

import {type CopyFormat, copyToFifo} from './copy-out.js'
import {closeDatabase, openDatabase, type OpenedDatabase} from './open-database.js'
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

  query(sql: string, params?: QueryParams): AsyncGenerator<RowBatch> {
    return streamQuery(this.db.connection, sql, params)
  }

  copyTo(sql: string, format: CopyFormat, fifo: string, started: () => void): Promise<number> {
    return copyToFifo(this.db.connection, {sql, format, fifo}, async () => started())
  }
}
