import {existsSync} from 'node:fs'

import type {StatePaths} from '../config/paths.js'
import type {DatabaseAccess} from './operations.js'

import {DevtraceError} from '../core/errors.js'
import {callDaemon} from '../ipc/client.js'
import {replaySpool, spoolPath} from './event-spool.js'
import {closeDatabase, openDatabase, type OpenedDatabase} from './open-database.js'
import {loadOperation} from './operations.js'
import {migrate} from './schema.js'

/**
 * Run a named operation that changes the database: through the daemon when it runs, else
 * here, with the file opened read-write (and migrated) for the duration.
 */
export async function runOperation<T>(paths: StatePaths, name: string, params: Record<string, unknown> = {}): Promise<T> {
  const viaDaemon = await callDaemon<T>(paths, 'operate', {name, params})
  if (viaDaemon !== undefined) return viaDaemon
  if (!existsSync(paths.database)) {
    throw new DevtraceError(`There is no devtrace database yet (${paths.database}).`, {
      suggestion: 'Start capturing with `devtrace start`, or try `devtrace demo`.',
    })
  }

  const operation = await loadOperation(name)
  if (!operation) throw new DevtraceError(`Unknown operation "${name}".`)
  const access = await LocalAccess.open(paths.database)
  try {
    return (await operation(access, params)) as T
  } finally {
    access.close()
  }
}

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

  async connect(): Promise<import('@duckdb/node-api').DuckDBConnection> {
    if (!this.db) throw new Error('database is offline')
    return this.db.instance.connect()
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
