import {type DuckDBConnection, DuckDBInstance} from '@duckdb/node-api'
import assert from 'node:assert/strict'
import {mkdtempSync, rmSync} from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import {
  after, before, describe, test,
} from 'node:test'

import {
  allowedBuiltins, calledFunctions, type CallKind, disallowedCalls,
} from '../../src/store/allowed-functions.js'
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
    await connection.run('INSERT INTO events_live (ts, session_id, kind) SELECT make_timestamp(i * 1000), 1, \'key_down\' FROM range(5) t(i)')
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
    ['SELECT nextval(\'session_id_seq\')', /nextval\(\) is not a function/],
    ['SELECT * FROM events WHERE session_id IN (SELECT nextval(\'audit_id_seq\'))', /nextval\(\) is not a function/],
    ['SELECT * FROM enable_logging(storage = \'file\', storage_path = \'/tmp/devtrace-should-not-exist-log\')', /enable_logging\(\) is not a table function/],
    ['SELECT * FROM checkpoint()', /checkpoint\(\) is not a table function/],
    ['SELECT * FROM force_checkpoint()', /force_checkpoint\(\) is not a table function/],
    ['FROM query(\'DELETE FROM events\')', /query\(\) is not a table function/],
    ['FROM query_table(\'events\')', /query_table\(\) is not a table function/],
    ['FROM duckdb_secrets()', /duckdb_secrets\(\) is not a table function/],
    ['FROM read_text(\'/etc/hostname\')', /read_text\(\) is not a table function/],
    ['FROM read_csv(\'/etc/hostname\')', /read_csv\(\) is not a table function/],
    ['FROM glob(\'/etc/*\')', /glob\(\) is not a table function/],
    ['SELECT write_log(\'x\')', /write_log\(\) is not a function/],
    ['SELECT setseed(0.5)', /setseed\(\) is not a function/],
    // Wherever a call hides, the parse tree shows it.
    ['WITH x AS (SELECT * FROM checkpoint()) SELECT 1', /checkpoint\(\)/],
    ['SELECT (SELECT count(*) FROM enable_logging(storage = \'file\', storage_path = \'/tmp/devtrace-should-not-exist-log\'))', /enable_logging\(\)/],
    ['SELECT list_transform([1, 2], x -> nextval(\'audit_id_seq\'))', /nextval\(\)/],
    ['SELECT sum(nextval(\'audit_id_seq\')) OVER () FROM events', /nextval\(\)/],
    ['SELECT count(*) FILTER (WHERE nextval(\'audit_id_seq\') > 0) FROM events', /nextval\(\)/],
    ['SELECT * FROM events ORDER BY write_log(\'x\')', /write_log\(\)/],
    ['SELECT * FROM range(3) JOIN (SELECT * FROM force_checkpoint()) ON true', /force_checkpoint\(\)/],
    ['SELECT * FROM (VALUES (1)) UNION ALL SELECT * FROM checkpoint()', /checkpoint\(\)/],
    // Files read by name (DuckDB's replacement scans).
    ['FROM \'/etc/hostname.csv\'', /"\/etc\/hostname.csv" would be read as a file/],
    ['SELECT * FROM "notes.parquet"', /"notes.parquet" would be read as a file/],
    ['DESCRIBE \'notes.csv\'', /"notes.csv" would be read as a file/],
    ['SHOW \'notes.json\'', /"notes.json" would be read as a file/],
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
    assert.equal(existsSync('/tmp/devtrace-should-not-exist-log'), false)
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

describe('the allowed set, proven against DuckDB\'s own function catalogue', () => {
  let instance: DuckDBInstance
  let connection: DuckDBConnection
  let allowed: ReadonlySet<string>
  let catalogue: Array<{name: string; kind: CallKind; type: string}>

  before(async () => {
    instance = await DuckDBInstance.create(':memory:', {autoinstall_known_extensions: 'false', autoload_known_extensions: 'false'})
    connection = await instance.connect()
    await migrate(connection, ':memory:')
    allowed = await allowedBuiltins(connection)
    // Every name DuckDB knows, in the position it is called from: table functions, table macros
    // and pragmas in FROM, everything else in an expression.
    const reader = await connection.runAndReadAll(`SELECT DISTINCT lower(function_name) AS name, function_type AS type,
      CASE WHEN function_type IN ('table', 'table_macro', 'pragma') THEN 'table' ELSE 'function' END AS kind
      FROM duckdb_functions() ORDER BY ALL`)
    catalogue = reader.getRowObjects().map(row => ({name: String(row.name), kind: row.kind as CallKind, type: String(row.type)}))
  })

  after(() => {
    connection.closeSync()
    instance.closeSync()
  })

  const call = (name: string, kind: CallKind): string => {
    const quoted = `"${name.replaceAll('"', '""')}"`
    return kind === 'table' ? `SELECT * FROM ${quoted}()` : `SELECT ${quoted}()`
  }

  test('the catalogue is the real one: hundreds of functions of every type', () => {
    assert.ok(catalogue.length > 800, `${catalogue.length} functions`)
    assert.deepEqual(new Set(catalogue.map(entry => entry.type)), new Set(['aggregate', 'macro', 'pragma', 'scalar', 'table', 'table_macro']))
    assert.ok(allowed.size > 500, `${allowed.size} allowed`)
  })

  test('no function outside the allowed set can be called: each is refused, by name, before it is bound', async () => {
    let refused = 0
    for (const {name, kind} of catalogue) {
      if (allowed.has(`${kind}:${name}`)) continue

      await assert.rejects(prepareReadOnly(connection, call(name, kind)), (error: unknown) => {
        assert.ok(error instanceof QueryRefusedError, `${kind} ${name}: ${String(error)}`)
        assert.ok(error.message.includes(`${name}()`), error.message)
        return true
      })
      refused++
    }

    assert.ok(refused > 100, `${refused} refused`)
  })

  test('every allowed function passes the check (it may still fail to bind without arguments)', async () => {
    for (const {name, kind} of catalogue) {
      if (!allowed.has(`${kind}:${name}`)) continue
      try {
        const prepared = await prepareReadOnly(connection, call(name, kind))
        prepared.destroySync()
      } catch (error) {
        assert.ok(!(error instanceof QueryRefusedError), `${kind} ${name}: ${String(error)}`)
      }
    }
  })

  test('the allowed set holds nothing known to write, touch files, run SQL text or reveal secrets', () => {
    const known = [
      'table:checkpoint',
      'table:force_checkpoint',
      'table:enable_logging',
      'table:disable_logging',
      'table:truncate_duckdb_logs',
      'table:enable_profiling',
      'table:disable_profiling',
      'table:query',
      'table:query_table',
      'table:json_execute_serialized_sql',
      'table:duckdb_secrets',
      'table:which_secret',
      'table:read_csv',
      'table:read_parquet',
      'table:read_json',
      'table:read_text',
      'table:read_blob',
      'table:read_duckdb',
      'table:glob',
      'table:sniff_csv',
      'table:parquet_metadata',
      'table:duckdb_logs',
      'function:nextval',
      'function:setval',
      'function:write_log',
      'function:setseed',
      'function:sleep_ms',
    ]
    for (const entry of known) assert.equal(allowed.has(entry), false, entry)
  })

  test('every allowed macro calls only allowed functions, and most built-in macros are allowed', async () => {
    const reader = await connection.runAndReadAll(`SELECT DISTINCT lower(function_name) AS name, macro_definition AS body FROM duckdb_functions()
      WHERE function_type = 'macro' AND macro_definition IS NOT NULL`)
    let checked = 0
    for (const row of reader.getRowObjects()) {
      if (!allowed.has(`function:${String(row.name)}`)) continue

      const tree = await connection.runAndReadAll('SELECT json_serialize_sql($sql::VARCHAR) AS tree', {sql: `SELECT ${String(row.body)}`})
      const calls = calledFunctions(JSON.parse(String(tree.getRowObjects()[0].tree)))

      assert.deepEqual(await disallowedCalls(connection, calls), [], String(row.name))
      checked++
    }

    assert.ok(checked > 50, `${checked} macros checked`)
  })

  test('a macro stored in the database cannot shadow a built-in', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'devtrace-unit-'))
    const file = path.join(dir, 'macros.duckdb')
    const writer = await DuckDBInstance.create(file)
    const setup = await writer.connect()
    await setup.run('CREATE MACRO abs(x) AS (SELECT count(*) FROM range(x))')
    setup.closeSync()
    writer.closeSync()
    const other = await DuckDBInstance.create(file, {access_mode: 'READ_ONLY'})
    const shadowing = await other.connect()
    try {
      await assert.rejects(prepareReadOnly(shadowing, 'SELECT abs(-1)'), /abs\(\) is not a function/)
      const prepared = await prepareReadOnly(shadowing, 'SELECT upper(\'a\')')
      prepared.destroySync()
    } finally {
      shadowing.closeSync()
      other.closeSync()
      rmSync(dir, {force: true, recursive: true})
    }
  })
})
