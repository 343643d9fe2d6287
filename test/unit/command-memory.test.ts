import {type DuckDBConnection, DuckDBInstance} from '@duckdb/node-api'
import assert from 'node:assert/strict'
import {mkdtempSync, rmSync} from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import {
  after, afterEach, before, describe, test,
} from 'node:test'

import type {RollupBuildProgress} from '../../src/ipc/protocol.js'

import {chunkEvents} from '../../src/analysis/rollup-chunks.js'
import {onRollupProgress} from '../../src/analysis/rollup-progress.js'
import {refreshRollup} from '../../src/analysis/rollup.js'
import {syntheticEvents} from '../../src/demo/demo-data.js'
import {commandDatabaseSettings, sizeInMiB, threadsWithin} from '../../src/store/command-memory.js'
import {EventWriter} from '../../src/store/event-writer.js'
import {closeDatabase, openDatabase} from '../../src/store/open-database.js'
import {migrate} from '../../src/store/schema.js'

async function setting(connection: DuckDBConnection, name: string): Promise<string> {
  const reader = await connection.runAndReadAll(`SELECT current_setting('${name}')::VARCHAR AS v`)
  return String(reader.getRowObjectsJS()[0].v)
}

/** What the daemon's policy gives on this machine: a quarter of RAM within 512 MiB–4 GiB. */
const expectedMiB = Math.min(4096, Math.max(512, Math.floor(os.totalmem() / 4 / 1024 / 1024)))

describe('every DuckDB open in a command runs under the daemon\'s memory policy', () => {
  let dir: string
  const saved = process.env.DEVTRACE_DAEMON_MEMORY

  before(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'devtrace-command-memory-'))
    delete process.env.DEVTRACE_DAEMON_MEMORY
  })

  afterEach(() => {
    delete process.env.DEVTRACE_DAEMON_MEMORY
  })

  after(() => {
    if (saved === undefined) delete process.env.DEVTRACE_DAEMON_MEMORY
    else process.env.DEVTRACE_DAEMON_MEMORY = saved
    rmSync(dir, {recursive: true, force: true})
  })

  test('read-write and read-only opens get the limit, the spill cap, a spill folder beside the file and threads within the limit', async () => {
    const file = path.join(dir, 'policy.duckdb')
    for (const readOnly of [false, true]) {
      const db = await openDatabase(file, {readOnly})
      try {
        const limit = sizeInMiB(await setting(db.connection, 'memory_limit'))
        assert.ok(limit !== undefined && Math.abs(limit - expectedMiB) < 1, `memory_limit ${limit} MiB, expected ${expectedMiB}`)
        assert.equal(sizeInMiB(await setting(db.connection, 'max_temp_directory_size')), 2048)
        assert.equal(await setting(db.connection, 'temp_directory'), `${file}.tmp`)
        assert.equal(Number(await setting(db.connection, 'threads')), threadsWithin(expectedMiB))
      } finally {
        closeDatabase(db)
      }
    }
  })

  test('DEVTRACE_DAEMON_MEMORY sets it for commands too, and a small limit gets fewer threads', async () => {
    process.env.DEVTRACE_DAEMON_MEMORY = '200MiB'
    const db = await openDatabase(path.join(dir, 'override.duckdb'))
    try {
      assert.equal(sizeInMiB(await setting(db.connection, 'memory_limit')), 200)
      assert.equal(Number(await setting(db.connection, 'threads')), 1)
    } finally {
      closeDatabase(db)
    }
  })

  test('settings passed explicitly (the daemon\'s, demo\'s) replace the default', async () => {
    const db = await openDatabase(path.join(dir, 'explicit.duckdb'), {settings: commandDatabaseSettings('256MiB')})
    try {
      assert.equal(sizeInMiB(await setting(db.connection, 'memory_limit')), 256)
      assert.equal(Number(await setting(db.connection, 'threads')), threadsWithin(256))
    } finally {
      closeDatabase(db)
    }
  })

  test('threads: every core while each keeps 128 MiB, at least one; sizes in DuckDB\'s units', () => {
    assert.equal(threadsWithin(4096, 8), 8)
    assert.equal(threadsWithin(512, 8), 4)
    assert.equal(threadsWithin(100, 8), 1)
    assert.equal(threadsWithin(4096, 2), 2)
    assert.equal(sizeInMiB('4.0 GiB'), 4096)
    assert.equal(sizeInMiB('8GB'), 8e9 / 1024 / 1024)
    assert.equal(sizeInMiB('512 mb'), 512e6 / 1024 / 1024)
    assert.equal(sizeInMiB('lots'), undefined)
  })
})

/** Monday 2025-03-03 09:00 UTC. */
const START = Date.UTC(2025, 2, 3, 9) * 1000
const FAR_FUTURE = Date.UTC(2030, 0, 1) * 1000

describe('a dense week is rolled up in chunks sized by its events', () => {
  let instance: DuckDBInstance
  let connection: DuckDBConnection
  let tables: string[]

  before(async () => {
    instance = await DuckDBInstance.create(':memory:')
    connection = await instance.connect()
    await migrate(connection, ':memory:')
    const writer = await EventWriter.open(connection, 1)
    writer.append([...syntheticEvents({startMicros: START, durationMs: 3 * 3600 * 1000, seed: 5})])
    writer.close()
    // The same three hours on each of six days: one week, dense enough to split under a small limit.
    await connection.run('INSERT INTO events_live SELECT e.* REPLACE (e.ts + to_days(d::INTEGER) AS ts) FROM events_live e, range(1, 6) t(d)')
    const reader = await connection.runAndReadAll(`SELECT table_name AS t FROM duckdb_tables()
      WHERE schema_name = 'main' AND table_name LIKE 'rollup\\_%' ESCAPE '\\' AND table_name <> 'rollup_state' ORDER BY 1`)
    tables = reader.getRowObjectsJS().map(row => String(row.t))
  })

  after(() => {
    connection.closeSync()
    instance.closeSync()
  })

  /**
   * A table's columns, sums of floating-point values rounded: DuckDB adds them in parallel, in no
   * fixed order, so two builds of the same slots can differ in the last bits (1e-14 relative).
   */
  async function comparable(table: string): Promise<string> {
    const reader = await connection.runAndReadAll(`SELECT column_name AS c, data_type AS t FROM duckdb_columns()
      WHERE schema_name = 'main' AND table_name = '${table}' ORDER BY column_index`)
    return reader.getRowObjectsJS().map(({c, t}) => (['DOUBLE', 'FLOAT'].includes(String(t)) ? `round("${c}", 6) AS "${c}"` : `"${c}"`)).join(', ')
  }

  /** Build the rollup from nothing under `limit`; returns the chunks it reported. */
  async function build(limit: string): Promise<RollupBuildProgress[]> {
    await connection.run(`SET memory_limit = '${limit}'`)
    for (const table of [...tables, 'rollup_state']) await connection.run(`DELETE FROM ${table}`)
    const seen: RollupBuildProgress[] = []
    const stop = onRollupProgress(progress => progress && seen.push(progress))
    try {
      await refreshRollup(connection, {nowMicros: FAR_FUTURE})
    } finally {
      stop()
    }

    return seen
  }

  test('under a small memory limit the week is split, and the rollup is exactly what one chunk gives', async () => {
    const [{n: total}] = (await connection.runAndReadAll('SELECT count(*)::INTEGER AS n FROM events')).getRowObjectsJS()
    const oneChunk = await build('4GiB')
    // Reported after each chunk but the last (the empty stretch up to the mark): one chunk, one report.
    assert.equal(oneChunk.length, 1, 'the whole week in one chunk')
    for (const table of tables) await connection.run(`CREATE TEMP TABLE whole_${table} AS FROM ${table}`)

    const chunks = await build('48MiB')
    const perChunk = await chunkEvents(connection)
    assert.ok(Number(total) > 2 * perChunk, `${total} events, ${perChunk} per chunk`)
    assert.ok(chunks.length >= 3, `${chunks.length} chunks reported`)
    // Each committed chunk holds at most the budget (a chunk is at least one slot, far below it here).
    let done = 0
    for (const progress of chunks) {
      assert.ok(progress.events_done - done <= perChunk, `chunk of ${progress.events_done - done}`)
      done = progress.events_done
    }

    for (const table of tables) {
      const [{n: rows}] = (await connection.runAndReadAll(`SELECT count(*)::INTEGER AS n FROM ${table}`)).getRowObjectsJS()
      assert.ok(Number(rows) > 0, `${table} has rows`)
      const columns = await comparable(table)
      const diff = await connection.runAndReadAll(`SELECT count(*)::INTEGER AS n FROM (
        (SELECT ${columns} FROM ${table} EXCEPT ALL SELECT ${columns} FROM whole_${table})
        UNION ALL (SELECT ${columns} FROM whole_${table} EXCEPT ALL SELECT ${columns} FROM ${table}))`)
      assert.equal(diff.getRowObjectsJS()[0].n, 0, `${table} differs from the one-chunk build`)
    }
  })
})
