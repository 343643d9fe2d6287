import assert from 'node:assert/strict'
import {
  appendFileSync, mkdtempSync, rmSync, writeFileSync,
} from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import {
  afterEach, beforeEach, describe, test,
} from 'node:test'

import {readStoppedTotals, stoppedTotalsFile, writeStoppedTotals} from '../../src/store/stopped-totals.js'

describe('stopped totals: a count tied to the file it was taken from', () => {
  let folder: string
  let database: string

  beforeEach(() => {
    folder = mkdtempSync(path.join(os.tmpdir(), 'devtrace-totals-'))
    database = path.join(folder, 'devtrace.duckdb')
    writeFileSync(database, 'stand-in for a database file')
  })

  afterEach(() => rmSync(folder, {force: true, recursive: true}))

  test('read back while the file is unchanged', () => {
    writeStoppedTotals(database, 42)
    assert.equal(readStoppedTotals(database), 42)
  })

  test('ignored once the file changed', () => {
    writeStoppedTotals(database, 42)
    appendFileSync(database, 'x')
    assert.equal(readStoppedTotals(database), undefined)
  })

  test('ignored while a write-ahead log holds changes not in the file', () => {
    writeStoppedTotals(database, 42)
    writeFileSync(`${database}.wal`, '')
    assert.equal(readStoppedTotals(database), undefined)
  })

  test('no note, or not one of ours, is no answer', () => {
    assert.equal(readStoppedTotals(database), undefined)
    writeFileSync(stoppedTotalsFile(database), '{"events_total": -1}')
    assert.equal(readStoppedTotals(database), undefined)
    writeFileSync(stoppedTotalsFile(database), 'not json')
    assert.equal(readStoppedTotals(database), undefined)
  })

  test('a missing database notes nothing', () => {
    rmSync(database)
    writeStoppedTotals(database, 42)
    assert.equal(readStoppedTotals(database), undefined)
  })
})
