import type {DuckDBConnection} from '@duckdb/node-api'

import {DuckDBInstance} from '@duckdb/node-api'
import assert from 'node:assert/strict'
import {
  copyFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync,
} from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import {
  afterEach, beforeEach, describe, test,
} from 'node:test'

import {COMPACT_BLOCK_SIZE, compactDatabaseFile} from '../../src/store/compact-file.js'
import {migrate} from '../../src/store/schema.js'
import {fsMount, fsUnmount} from '../helpers/tmpfs.js'

async function withDatabase<T>(file: string, work: (connection: DuckDBConnection) => Promise<T>): Promise<T> {
  const instance = await DuckDBInstance.create(file)
  const connection = await instance.connect()
  try {
    return await work(connection)
  } finally {
    connection.closeSync()
    instance.closeSync()
  }
}

async function rows(connection: DuckDBConnection, sql: string): Promise<unknown[]> {
  return (await connection.runAndReadAll(sql)).getRowsJS()
}

/** Every table's rows, in a fixed order, and the schema's views: what a copy must keep. */
async function contents(connection: DuckDBConnection): Promise<Record<string, unknown[]>> {
  const tables = (await rows(connection, "SELECT table_name FROM duckdb_tables() WHERE schema_name = 'main' ORDER BY 1")).map(row => String((row as unknown[])[0]))
  const result: Record<string, unknown[]> = {views: await rows(connection, 'SELECT view_name, sql FROM duckdb_views() WHERE NOT internal ORDER BY 1')}
  for (const table of tables) result[table] = await rows(connection, `SELECT * FROM "${table}" ORDER BY ALL`)
  return result
}

describe('compactDatabaseFile: the same database in a fresh, smaller file', () => {
  let folder: string
  let file: string

  beforeEach(async () => {
    folder = mkdtempSync(path.join(os.tmpdir(), 'devtrace-compact-'))
    file = path.join(folder, 'demo.duckdb')
    // Built like the demo builds its file: the schema, then many commits, some rows replaced,
    // each commit checkpointed, which leaves free blocks and half-filled blocks behind.
    await withDatabase(file, async connection => {
      await migrate(connection, file)
      await connection.run("INSERT INTO sessions (started_at, level, backend) VALUES (TIMESTAMP '2026-01-05 08:00:00', 'standard', 'hook')")
      for (let day = 0; day < 6; day++) {
        await connection.run(`INSERT INTO events_live (ts, session_id, kind, x, y, app)
          SELECT TIMESTAMP '2026-01-05 08:00:00' + INTERVAL (${day} * 86400000000 + range * 1000) MICROSECONDS, 1, 'mouse_move', range % 1900, range % 1000, 'app' || (range // 5000)
          FROM range(60000)`)
        await connection.run(`INSERT INTO rollup_holds SELECT TIMESTAMP '2026-01-05' + INTERVAL (${day}) DAY, 'app', range, 1 FROM range(20000)`)
        await connection.run('DELETE FROM rollup_holds WHERE ms % 2 = 0')
        await connection.run('CHECKPOINT')
      }
    })
  })

  afterEach(() => rmSync(folder, {force: true, recursive: true}))

  test('keeps every table, view and sequence, leaves no free block, and takes less space', async () => {
    const before = await withDatabase(file, async connection => ({
      contents: await contents(connection),
      free: Number((await rows(connection, 'SELECT free_blocks FROM pragma_database_size()'))[0] as unknown as number),
    }))
    const sizeBefore = statSync(file).size
    assert.ok(before.free > 0, 'the built file has free blocks to reclaim')

    assert.equal(await compactDatabaseFile(file), true)

    assert.ok(statSync(file).size < sizeBefore, `${statSync(file).size} bytes after, ${sizeBefore} before`)
    assert.equal(existsSync(`${file}.compact`), false)
    assert.equal(existsSync(`${file}.wal`), false)
    if (process.platform !== 'win32') assert.equal(statSync(file).mode & 0o777, 0o600)
    await withDatabase(file, async connection => {
      assert.deepEqual(await contents(connection), before.contents)
      const [[blockSize, free]] = await rows(connection, 'SELECT block_size, free_blocks FROM pragma_database_size()') as Array<[bigint, bigint]>
      assert.equal(Number(blockSize), COMPACT_BLOCK_SIZE)
      assert.equal(Number(free), 0)
      // The session sequence goes on where it was: the next session is 2, not 1 again.
      const [[id]] = await rows(connection, "INSERT INTO sessions (started_at, level) VALUES (now()::TIMESTAMP, 'standard') RETURNING id") as Array<[number]>
      assert.equal(id, 2)
      await migrate(connection, file)
    })
  })

  test('refuses a file with a write-ahead log and leaves it as it was', async () => {
    const bytes = readFileSync(file)
    writeFileSync(`${file}.wal`, '')
    await assert.rejects(compactDatabaseFile(file), /write-ahead log/)
    assert.ok(readFileSync(file).equals(bytes))
    assert.equal(existsSync(`${file}.compact`), false)
  })

  test('a copy that runs out of disk leaves the original untouched, complete and alone', async () => {
    // A disk with room for the original and a few blocks more: the copy fills it.
    const disk = fsMount(statSync(file).size + 4 * COMPACT_BLOCK_SIZE)
    try {
      const full = path.join(disk, 'demo.duckdb')
      copyFileSync(file, full)
      const bytes = readFileSync(full)
      assert.equal(await compactDatabaseFile(full), false)
      assert.ok(readFileSync(full).equals(bytes))
      assert.deepEqual(readdirSync(disk), ['demo.duckdb'])
    } finally {
      fsUnmount(disk)
    }
  })
})
