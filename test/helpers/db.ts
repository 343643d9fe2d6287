import {DuckDBInstance} from '@duckdb/node-api'

/** Read a database file directly (the daemon must be stopped: it holds the lock while running). */
export async function queryFile(file: string, sql: string): Promise<Array<Record<string, unknown>>> {
  const instance = await DuckDBInstance.create(file, {access_mode: 'READ_ONLY'})
  const connection = await instance.connect()
  try {
    const reader = await connection.runAndReadAll(sql)
    return reader.getRowObjectsJS() as Array<Record<string, unknown>>
  } finally {
    connection.closeSync()
    instance.closeSync()
  }
}

/** Change a database file directly, to plant test data (only while no daemon holds it). */
export async function writeFile(file: string, sql: string): Promise<void> {
  const instance = await DuckDBInstance.create(file)
  const connection = await instance.connect()
  try {
    await connection.run(sql)
    await connection.run('CHECKPOINT')
  } finally {
    connection.closeSync()
    instance.closeSync()
  }
}
