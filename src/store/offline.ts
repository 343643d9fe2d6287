import type {DuckDBConnection} from '@duckdb/node-api'

import {closeDatabase, openDatabase} from './open-database.js'
import {usableSchemaVersion} from './schema.js'

/** Count events with the daemon stopped, opening the file read-only. */
export async function countEvents(file: string): Promise<number> {
  const db = await openDatabase(file, {readOnly: true})
  try {
    const version = await usableSchemaVersion(db.connection, file)
    if (version === 0) return 0
    return await countAllEvents(db.connection)
  } finally {
    closeDatabase(db)
  }
}

/** Every event in the file, on a connection that can read it. */
export async function countAllEvents(connection: DuckDBConnection): Promise<number> {
  const reader = await connection.runAndReadAll('SELECT count(*) AS n FROM events')
  return Number(reader.getRowObjects()[0].n)
}
