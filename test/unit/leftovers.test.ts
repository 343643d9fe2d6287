import assert from 'node:assert/strict'
import {spawnSync} from 'node:child_process'
import {
  existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync,
} from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import {
  afterEach, beforeEach, describe, test,
} from 'node:test'

import {removeLeftovers, trackPartial} from '../../src/store/leftovers.js'
import {sweepPipeFolders} from '../../src/store/pipe-folder.js'

describe('leftovers', () => {
  let dir: string

  beforeEach(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'devtrace-unit-'))
  })

  afterEach(() => {
    rmSync(dir, {force: true, recursive: true})
  })

  /** A pid that certainly belonged to a process that has exited (and was reaped). */
  const deadPid = (): number => Number(spawnSync(process.execPath, ['-e', 'console.log(process.pid)'], {encoding: 'utf8'}).stdout.trim())

  test('pipe folders of processes that are gone are removed; live ones and other folders stay', () => {
    const dead = path.join(dir, `devtrace-query-${deadPid()}-abc`)
    const live = path.join(dir, `devtrace-query-${process.ppid}-def`)
    const mine = path.join(dir, `devtrace-query-${process.pid}-ghi`)
    const other = path.join(dir, 'devtrace-test-xyz')
    for (const folder of [dead, live, mine, other]) mkdirSync(folder)
    assert.deepEqual(sweepPipeFolders(dir), [dead])
    assert.deepEqual(readdirSync(dir).sort(), [path.basename(live), path.basename(mine), path.basename(other)].sort())
  })

  test('a rewrite left beside a symlinked database\'s target is removed, and beside the link', () => {
    const real = path.join(dir, 'disk', 'data.duckdb')
    mkdirSync(path.dirname(real))
    writeFileSync(real, 'db')
    const link = path.join(dir, 'devtrace.duckdb')
    symlinkSync(real, link)
    const left = [`${real}.rewrite`, `${real}.rewrite.wal`, `${link}.rewrite`]
    for (const file of left) writeFileSync(file, 'rows')
    const lines: string[] = []
    removeLeftovers(link, line => lines.push(line))
    for (const file of left) assert.equal(existsSync(file), false, file)
    assert.equal(existsSync(real), true)
    // The sweep of the machine's temp folder may report other runs' pipe folders; count the rewrites.
    assert.equal(lines.filter(line => line.includes('.rewrite')).length, 3)
  })

  test('an export\'s partial files are removed at the next start only if it never finished, and only devtrace\'s own', () => {
    const database = path.join(dir, 'devtrace.duckdb')
    const partial = path.join(dir, '.out.csv.devtrace-partial')
    const notOurs = path.join(dir, 'precious.csv')
    writeFileSync(partial, 'rows')
    writeFileSync(notOurs, 'keep')
    const finished = trackPartial(database, [partial])
    finished.done()
    removeLeftovers(database)
    assert.equal(existsSync(partial), true, 'a finished export\'s files are its own business')

    trackPartial(database, [partial, notOurs]) // a crash: never done()
    removeLeftovers(database)
    assert.equal(existsSync(partial), false)
    assert.equal(existsSync(notOurs), true)
    assert.deepEqual(readdirSync(path.join(dir, 'unfinished-exports')), [])
  })
})
