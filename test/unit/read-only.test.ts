import {type DuckDBConnection, DuckDBInstance} from '@duckdb/node-api'
import assert from 'node:assert/strict'
import {
  after, before, describe, test,
} from 'node:test'

import {streamQuery} from '../../src/store/query-stream.js'
import {prepareReadOnly, QueryFailedError, QueryRefusedError} from '../../src/store/read-only.js'
import {migrate} from '../../src/store/schema.js'

describe('read-only guard (DuckDB decides the statement type)', () => {
  let instance: DuckDBInstance
  let connection: DuckDBConnection

  before(async () => {
    instance = await DuckDBInstance.create(':memory:')
    connection = await instance.connect()
    await migrate(connection, ':memory:')
    await connection.run('INSERT INTO events (ts, session_id, kind) SELECT make_timestamp(i * 1000), 1, \'key_down\' FROM range(5) t(i)')
  })

  after(() => {
    connection.closeSync()
    instance.closeSync()
  })

  const allowed = [
    'SELECT count(*) FROM events',
    'FROM events LIMIT 1',
    'WITH x AS (SELECT 1 AS a) SELECT * FROM x',
    'DESCRIBE events',
    'SHOW TABLES',
    'SUMMARIZE events',
    'VALUES (1), (2)',
    'SELECT * FROM pragma_table_info(\'events\')',
  ]
  for (const sql of allowed) {
    test(`allows: ${sql}`, async () => {
      const prepared = await prepareReadOnly(connection, sql)
      prepared.destroySync()
    })
  }

  const refused: Array<[string, RegExp]> = [
    ['INSERT INTO events (ts, session_id, kind) VALUES (now(), 1, \'x\')', /type INSERT/],
    ['UPDATE events SET kind = 1', /type UPDATE/],
    ['DELETE FROM events', /type DELETE/],
    ['DROP TABLE events', /type DROP TABLE/],
    ['CREATE TABLE x (a INT)', /type CREATE TABLE/],
    ['CREATE VIEW v AS SELECT 1', /type CREATE VIEW/],
    ['ALTER TABLE events ADD COLUMN z INT', /type ALTER TABLE/],
    ['COPY events TO \'/tmp/devtrace-should-not-exist.csv\'', /type COPY/],
    ['EXPORT DATABASE \'/tmp/devtrace-should-not-exist\'', /type EXPORT DATABASE/],
    ['ATTACH \':memory:\' AS other', /type ATTACH/],
    ['DETACH other', /type DETACH/],
    ['INSTALL httpfs', /type INSTALL/],
    ['LOAD json', /type LOAD/],
    ['SET threads = 1', /type SET/],
    ['CHECKPOINT', /type CHECKPOINT/],
    ['VACUUM', /type VACUUM/],
    ['BEGIN TRANSACTION', /type BEGIN/],
    ['EXPLAIN ANALYZE SELECT 1', /type EXPLAIN/],
    ['PRAGMA table_info(\'events\')', /type PRAGMA/],
    ['SELECT nextval(\'session_id_seq\')', /nextval\(\) changes stored state/],
    ['SELECT * FROM events WHERE session_id IN (SELECT nextval(\'audit_id_seq\'))', /nextval\(\) changes stored state/],
    ['SELECT 1; DELETE FROM events', /2 statements were given/],
    ['', /no statement/],
    ['-- only a comment', /no statement/],
  ]
  for (const [sql, reason] of refused) {
    test(`refuses: ${sql || '(empty)'}`, async () => {
      await assert.rejects(prepareReadOnly(connection, sql), (error: unknown) => {
        assert.ok(error instanceof QueryRefusedError, String(error))
        assert.equal(error.exitCode, 1)
        assert.match(error.message, reason)
        return true
      })
    })
  }

  test('refused statements are never bound: EXPORT DATABASE creates no folder', async () => {
    const {existsSync} = await import('node:fs')
    assert.equal(existsSync('/tmp/devtrace-should-not-exist'), false)
    assert.equal(existsSync('/tmp/devtrace-should-not-exist.csv'), false)
  })

  test('nothing refused changed the data', async () => {
    const reader = await connection.runAndReadAll('SELECT count(*)::INTEGER AS n FROM events')
    assert.equal(reader.getRowObjects()[0].n, 5)
  })

  test('a syntax error is one sentence from DuckDB', async () => {
    await assert.rejects(prepareReadOnly(connection, 'SELEC 1'), (error: unknown) => {
      assert.ok(error instanceof QueryFailedError)
      assert.equal(error.message, 'Parser Error: syntax error at or near "SELEC".')
      return true
    })
  })

  test('streamQuery yields every row in chunks with the columns', async () => {
    let rows = 0
    let columns: string[] = []
    for await (const batch of streamQuery(connection, 'SELECT range AS i, range * 2 AS j FROM range(5000)')) {
      columns = batch.columns
      rows += batch.rows.length
      assert.ok(batch.rows.length <= 2048)
    }

    assert.deepEqual(columns, ['i', 'j'])
    assert.equal(rows, 5000)
  })

  test('streamQuery names the columns of an empty result and binds parameters', async () => {
    const batches = []
    for await (const batch of streamQuery(connection, 'SELECT kind FROM events WHERE ts >= make_timestamp($since::BIGINT)', {since: 10_000})) {
      batches.push(batch)
    }

    assert.deepEqual(batches, [{columns: ['kind'], rows: []}])
  })
})
