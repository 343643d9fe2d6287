import assert from 'node:assert/strict'
import {mkdtempSync, rmSync} from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import {
  after, before, describe, test,
} from 'node:test'

import {CLICK_CELL_PX, computeReportData} from '../../src/analysis/report-data.js'
import {FileStore} from '../../src/store/file-store.js'
import {LocalAccess} from '../../src/store/local-access.js'

const T0 = Date.UTC(2026, 10, 23, 8, 0, 0) * 1000

describe('report data', () => {
  let dir: string
  let store: FileStore

  before(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'devtrace-report-data-'))
    const file = path.join(dir, 'devtrace.duckdb')
    const access = await LocalAccess.open(file)
    const connection = await access.connect()
    // 3000 clicks, each in its own cell, inserted in a scrambled order.
    await connection.run(`INSERT INTO events_live SELECT make_timestamp(${T0} + i * 1_000_000), 1, 'mouse_down', NULL, NULL,
      ((i * 7919) % 60) * ${CLICK_CELL_PX} + 3, (((i * 7919) % 3000) // 60) * ${CLICK_CELL_PX} + 3, 1, NULL, NULL, NULL, 'code', NULL FROM range(3000) t(i)`)
    connection.closeSync()
    access.close()
    store = await FileStore.open(file)
  })

  after(() => {
    store.close()
    rmSync(dir, {force: true, recursive: true})
  })

  test('click cells come in one fixed order (row by row), so the same data makes the same report', async () => {
    const data = await computeReportData(store, {idleSeconds: 180, timeZone: 'UTC'})
    assert.equal(data.clicks.cells.length, 3000)
    assert.equal(data.clicks.total, 3000)
    const sorted = data.clicks.cells.toSorted((a, b) => a.y - b.y || a.x - b.x)
    assert.deepEqual(data.clicks.cells, sorted)
  })
})
