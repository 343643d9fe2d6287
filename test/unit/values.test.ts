import {DuckDBInstance} from '@duckdb/node-api'
import assert from 'node:assert/strict'
import {
  after, before, describe, test,
} from 'node:test'

import {isoFromMicros, toJsonValue} from '../../src/core/values.js'

describe('isoFromMicros', () => {
  test('keeps microseconds and marks UTC', () => {
    assert.equal(isoFromMicros(1_795_766_649_291_839), '2026-11-27T08:04:09.291839Z')
    assert.equal(isoFromMicros(0), '1970-01-01T00:00:00.000000Z')
    assert.equal(isoFromMicros(-1), '1969-12-31T23:59:59.999999Z')
    assert.equal(isoFromMicros(1_000_001n), '1970-01-01T00:00:01.000001Z')
  })
})

describe('toJsonValue over real DuckDB values', () => {
  let instance: DuckDBInstance

  before(async () => {
    instance = await DuckDBInstance.create(':memory:')
  })

  after(() => instance.closeSync())

  async function one(sql: string): Promise<unknown> {
    const connection = await instance.connect()
    try {
      const reader = await connection.runAndReadAll(sql)
      const value = reader.getRows()[0][0]
      // The whole point: what we produce must survive a JSON round trip, so a clone would not do.
      // eslint-disable-next-line unicorn/prefer-structured-clone
      return JSON.parse(JSON.stringify(toJsonValue(value)))
    } finally {
      connection.closeSync()
    }
  }

  test('timestamps of every precision become ISO-8601 UTC strings', async () => {
    assert.equal(await one('SELECT TIMESTAMP \'2026-11-27 08:04:09.291839\''), '2026-11-27T08:04:09.291839Z')
    assert.equal(await one('SELECT TIMESTAMP_MS \'2026-11-27 08:04:09.291\''), '2026-11-27T08:04:09.291000Z')
    assert.equal(await one('SELECT TIMESTAMP_S \'2026-11-27 08:04:09\''), '2026-11-27T08:04:09.000000Z')
    assert.equal(await one('SELECT TIMESTAMP_NS \'2026-11-27 08:04:09.291839123\''), '2026-11-27T08:04:09.291839Z')
    assert.equal(await one('SELECT make_timestamp(1795766649291839)'), '2026-11-27T08:04:09.291839Z')
  })

  test('64-bit integers are numbers when exact, decimal strings beyond, never "123n"', async () => {
    assert.equal(await one('SELECT 42::BIGINT'), 42)
    assert.equal(await one('SELECT count(*) FROM range(7)'), 7)
    assert.equal(await one('SELECT 9007199254740991::BIGINT'), 9_007_199_254_740_991)
    assert.equal(await one('SELECT 9007199254740993::BIGINT'), '9007199254740993')
    assert.equal(await one('SELECT (-9007199254740993)::HUGEINT'), '-9007199254740993')
    assert.equal(await one('SELECT 18446744073709551615::UBIGINT'), '18446744073709551615')
  })

  test('other scalar types', async () => {
    assert.equal(await one('SELECT 1.5::DOUBLE'), 1.5)
    assert.equal(await one('SELECT \'x\''), 'x')
    assert.equal(await one('SELECT true'), true)
    assert.equal(await one('SELECT NULL'), null)
    assert.equal(await one('SELECT 12.34::DECIMAL(6,2)'), 12.34)
    assert.equal(await one('SELECT DATE \'2026-11-27\''), '2026-11-27')
    assert.equal(await one('SELECT \'nan\'::DOUBLE'), 'NaN')
  })

  test('lists, structs and maps nest', async () => {
    assert.deepEqual(await one('SELECT [1, 2, NULL]::BIGINT[]'), [1, 2, null])
    assert.deepEqual(await one('SELECT {\'a\': 1, \'b\': [TIMESTAMP \'2026-01-01 00:00:00\']}'), {a: 1, b: ['2026-01-01T00:00:00.000000Z']})
    assert.deepEqual(await one('SELECT MAP {\'k\': 2::BIGINT}'), {k: 2})
  })
})
