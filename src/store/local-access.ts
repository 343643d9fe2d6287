import type {DuckDBConnection} from '@duckdb/node-api'

import type {DatabaseAccess} from './database-access.js'

import {replaySpool, spoolPath} from './event-spool.js'
import {closeDatabase, openDatabase, type OpenedDatabase} from './open-database.js'
import {migrate} from './schema.js'

/** The database opened read-write by this process (the daemon is not running). */
export class LocalAccess implements DatabaseAccess {
  private constructor(
    readonly file: string,
    private db: OpenedDatabase | undefined,
  ) {}

  static async open(file: string): Promise<LocalAccess> {
    const db = await openDatabase(file)
    await migrate(db.connection, file)
    // Events a crashed daemon left in its spool belong in the file before anything reads or
    // rewrites it: a forget of their range must remove them, not see them come back later.
    await replaySpool(db.connection, spoolPath(file))
    return new LocalAccess(file, db)
  }

  close(): void {
    if (this.db) closeDatabase(this.db)
    this.db = undefined
  }

  async connect(): Promise<DuckDBConnection> {
    if (!this.db) throw new Error('database is offline')
    return this.db.instance.connect()
  }

  /** In a command nothing runs beside the work: no rewrite can interrupt it, so just a connection. */
  async online<T>(work: (connection: DuckDBConnection) => Promise<T>): Promise<T> {
    const connection = await this.connect()
    try {
      return await work(connection)
    } finally {
      connection.closeSync()
    }
  }

  async offline<T>(work: () => Promise<T>): Promise<T> {
    this.close()
    try {
      return await work()
    } finally {
      this.db = await openDatabase(this.file)
    }
  }
}
