import type {DuckDBConnection} from '@duckdb/node-api'

import assert from 'node:assert/strict'
import {mkdtempSync, readFileSync, rmSync} from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import {
  after, before, describe, test,
} from 'node:test'

import {LocalAccess} from '../../src/store/local-access.js'
import {exportOperation, type ExportResult} from '../../src/transfer/export.js'
import {readParquet} from '../helpers/parquet.js'

// A machine whose zone is not UTC: DuckDB's session zone follows TZ, and a wrong rule would
// show times shifted by five hours or marked as local. Set before any database opens.
process.env.TZ = 'America/New_York'

// 2026-11-30 16:34:32.130800 UTC, a microsecond later, and 59.000005 s later (next minute).
const T0 = BigInt(Date.UTC(2026, 10, 30, 16, 34, 32)) * 1000n + 130_800n
const STAMPS = [T0, T0 + 1n, T0 + 59_000_005n]
const ISO = ['2026-11-30T16:34:32.130800Z', '2026-11-30T16:34:32.130801Z', '2026-11-30T16:35:31.130805Z']
const MINUTES = ['2026-11-30T16:34:00.000000Z', '2026-11-30T16:35:00.000000Z']

describe('exports write times as UTC: ISO-8601 with Z and microseconds, Parquet adjusted to UTC', () => {
  let dir: string
  let access: LocalAccess

  before(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'devtrace-utc-'))
    access = await LocalAccess.open(path.join(dir, 'devtrace.duckdb'))
    const connection = await access.connect()
    try {
      const values = STAMPS.map(micros => `(make_timestamp(${micros}), 1, 'key_down', 30, 'letter', NULL, NULL, NULL, NULL, NULL, NULL, 'code', NULL)`)
      await connection.run(`INSERT INTO events_live VALUES ${values.join(', ')}`)
    } finally {
      connection.closeSync()
    }
  })

  after(() => {
    access.close()
    rmSync(dir, {force: true, recursive: true})
  })

  async function exportTo(name: string, format: string, profile = 'none'): Promise<string> {
    const out = path.join(dir, name)
    const result = await exportOperation.run(access, {out, format, profile}) as ExportResult
    assert.equal(result.rows, profile === 'aggregate' ? 2 : 3)
    return out
  }

  test('the database session really runs in a zone other than UTC here', async () => {
    const connection: DuckDBConnection = await access.connect()
    try {
      const reader = await connection.runAndReadAll('SELECT current_setting(\'TimeZone\') AS zone')
      assert.equal(reader.getRowObjectsJS()[0].zone, 'America/New_York')
    } finally {
      connection.closeSync()
    }
  })

  test('CSV, JSON and NDJSON print every ts as ISO-8601 UTC with six fraction digits and Z', async () => {
    const csv = readFileSync(await exportTo('events.csv', 'csv'), 'utf8').trim().split('\n')
    assert.deepEqual(csv.slice(1).map(line => line.split(',')[0]), ISO)
    const json = JSON.parse(readFileSync(await exportTo('events.json', 'json'), 'utf8')) as Array<{ts: string}>
    assert.deepEqual(json.map(row => row.ts), ISO)
    const ndjson = readFileSync(await exportTo('events.ndjson', 'ndjson'), 'utf8').trim().split('\n').map(line => JSON.parse(line) as {ts: string})
    assert.deepEqual(ndjson.map(row => row.ts), ISO)
    const minutes = JSON.parse(readFileSync(await exportTo('minutes.json', 'json', 'aggregate'), 'utf8')) as Array<{minute: string}>
    assert.deepEqual(minutes.map(row => row.minute), MINUTES)
  })

  test('Parquet marks ts isAdjustedToUTC = true and holds the exact microseconds', async () => {
    const {rows, timestamps} = await readParquet(await exportTo('events.parquet', 'parquet'))
    assert.deepEqual(timestamps, [{name: 'ts', logical: {type: 'TIMESTAMP', isAdjustedToUTC: true, unit: 'MICROS'}}])
    assert.deepEqual(rows.map(row => row.ts), STAMPS.map(String))
    assert.deepEqual(rows.map(row => row.app), ['code', 'code', 'code'])
  })

  test('the aggregate profile\'s minute column is a UTC instant in Parquet too', async () => {
    const {rows, timestamps} = await readParquet(await exportTo('minutes.parquet', 'parquet', 'aggregate'))
    assert.deepEqual(timestamps, [{name: 'minute', logical: {type: 'TIMESTAMP', isAdjustedToUTC: true, unit: 'MICROS'}}])
    assert.deepEqual(rows.map(row => row.minute), MINUTES.map(iso => String(Date.parse(iso) * 1000)))
  })
})
