import type {DuckDBConnection} from '@duckdb/node-api'

import {existsSync, readFileSync} from 'node:fs'

import {LocalAccess} from '../../src/store/local-access.js'

/** Rows of `sql` as plain JS values. */
export async function rows(connection: DuckDBConnection, sql: string): Promise<Array<Record<string, unknown>>> {
  return (await connection.runAndReadAll(sql)).getRowObjectsJS() as Array<Record<string, unknown>>
}

/** Open (migrated, as a command without a daemon does), run, close: the file is free again afterwards (and fully checkpointed). */
export async function withAccess<T>(file: string, work: (access: LocalAccess, connection: DuckDBConnection) => Promise<T>): Promise<T> {
  const access = await LocalAccess.open(file)
  const connection = await access.connect()
  try {
    return await work(access, connection)
  } finally {
    connection.closeSync()
    access.close()
  }
}

/** The raw bytes of a file (empty if it does not exist), to look for what must not be there. */
export function bytesOf(file: string): Buffer {
  return existsSync(file) ? readFileSync(file) : Buffer.alloc(0)
}
