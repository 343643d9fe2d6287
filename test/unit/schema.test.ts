import {DuckDBInstance} from '@duckdb/node-api'
import assert from 'node:assert/strict'
import {
  copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync,
} from 'node:fs'
import {tmpdir} from 'node:os'
import path from 'node:path'
import {describe, test} from 'node:test'

import {DevtraceError} from '../../src/core/errors.js'
import {FileStore} from '../../src/store/file-store.js'
import {migrate, SCHEMA_VERSION, usableSchemaVersion} from '../../src/store/schema.js'

async function withDatabase(work: (run: (sql: string) => Promise<void>, connection: import('@duckdb/node-api').DuckDBConnection) => Promise<void>): Promise<void> {
  const instance = await DuckDBInstance.create(':memory:')
  const connection = await instance.connect()
  try {
    await work(async sql => {
      await connection.run(sql)
    }, connection)
  } finally {
    connection.closeSync()
    instance.closeSync()
  }
}

describe('schema: whose database is this', () => {
  test('an empty file is version 0 and migrates to the current version', async () => {
    await withDatabase(async (_run, connection) => {
      assert.equal(await usableSchemaVersion(connection, 'x.duckdb'), 0)
      await migrate(connection, 'x.duckdb')
      assert.equal(await usableSchemaVersion(connection, 'x.duckdb'), SCHEMA_VERSION)
    })
  })

  test('another program\'s tables under our names, without schema_version: refused in one sentence, nothing changed', async () => {
    await withDatabase(async (run, connection) => {
      await run('CREATE TABLE events (id INTEGER)')
      await run('CREATE TABLE sessions (id INTEGER)')
      await run('CREATE TABLE unrelated (id INTEGER)')
      for (const attempt of [() => usableSchemaVersion(connection, 'x.duckdb'), () => migrate(connection, 'x.duckdb')]) {
        await assert.rejects(attempt, (error: unknown) => {
          assert.ok(error instanceof DevtraceError, String(error))
          assert.equal(error.message, 'x.duckdb is not a devtrace database: it has tables named "events", "sessions" but no devtrace schema version.')
          assert.match(error.suggestion ?? '', /^Move the file aside/)
          return true
        })
      }

      const tables = await connection.runAndReadAll('SELECT table_name FROM duckdb_tables() ORDER BY 1')
      assert.deepEqual(tables.getRowObjects().map(row => row.table_name), ['events', 'sessions', 'unrelated'])
    })
  })

  test('tables with other names are someone else\'s business: devtrace adds its own beside them', async () => {
    await withDatabase(async (run, connection) => {
      await run('CREATE TABLE notes (id INTEGER)')
      await migrate(connection, 'x.duckdb')
      assert.equal(await usableSchemaVersion(connection, 'x.duckdb'), SCHEMA_VERSION)
    })
  })
})

describe('schema: a kill -9 right after a migration', () => {
  test('the migrated file and its write-ahead log, copied while open, open again with the new schema and the rows written since', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'devtrace-schema-'))
    const file = path.join(dir, 'live.duckdb')
    const instance = await DuckDBInstance.create(file)
    const connection = await instance.connect()
    try {
      await migrate(connection, file)
      await connection.run('INSERT INTO sessions (started_at, level, backend) VALUES (TIMESTAMP \'2026-12-01 09:00\', \'standard\', \'hook\')')
      // What a kill -9 leaves: the file and its log as they are on disk now, never closed.
      const copy = path.join(dir, 'after-kill.duckdb')
      copyFileSync(file, copy)
      if (existsSync(`${file}.wal`)) copyFileSync(`${file}.wal`, `${copy}.wal`)
      const reopened = await DuckDBInstance.create(copy)
      const again = await reopened.connect()
      try {
        assert.equal(await usableSchemaVersion(again, copy), SCHEMA_VERSION)
        const rows = await again.runAndReadAll('SELECT id, backend FROM sessions')
        assert.deepEqual(rows.getRowObjects(), [{id: 1, backend: 'hook'}])
      } finally {
        again.closeSync()
        reopened.closeSync()
      }
    } finally {
      connection.closeSync()
      instance.closeSync()
      rmSync(dir, {recursive: true, force: true})
    }
  })
})

describe('schema: an older file read without migrating it', () => {
  for (const version of [4, 6]) {
    test(`a schema-${version} file opened read-only reads as the current one (event_rows, hold_ms), and is left as it was`, async () => {
      const folder = mkdtempSync(path.join(tmpdir(), 'devtrace-old-'))
      const file = path.join(folder, 'devtrace.duckdb')
      try {
        const instance = await DuckDBInstance.create(file)
        const connection = await instance.connect()
        await migrate(connection, file, {upTo: version})
        await connection.run("INSERT INTO sessions (started_at, level) VALUES (TIMESTAMP '2026-01-01 09:00:00', 'standard')")
        await connection.run(`INSERT INTO events (ts, session_id, kind, x, y) VALUES
          (TIMESTAMP '2026-01-01 09:00:00.000001', 1, 'mouse_move', 1, 2), (TIMESTAMP '2026-01-01 09:00:00.000001', 1, 'mouse_move', 3, 4)`)
        await connection.run('CHECKPOINT')
        connection.closeSync()
        instance.closeSync()
        const before = readFileSync(file)

        const store = await FileStore.open(file)
        const rows: unknown[][] = []
        try {
          for await (const batch of store.query('SELECT x, hold_ms, seq FROM event_rows ORDER BY ts, seq')) rows.push(...batch.rows)
        } finally {
          store.close()
        }

        assert.deepEqual(rows.map(([x, hold]) => [x, hold]), [[1, null], [3, null]])
        assert.ok(Number(rows[0][2]) < Number(rows[1][2]), 'seq orders equal stamps as stored')
        assert.ok(readFileSync(file).equals(before), 'the file is not written')
        assert.equal(existsSync(`${file}.wal`), false)
      } finally {
        rmSync(folder, {recursive: true, force: true})
      }
    })
  }
})
