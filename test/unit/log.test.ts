import assert from 'node:assert/strict'
import {
  existsSync, mkdtempSync, readFileSync, rmSync, statSync,
} from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import {after, describe, test} from 'node:test'

import {DaemonLog} from '../../src/daemon/log.js'

describe('DaemonLog', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'devtrace-log-'))

  after(() => rmSync(dir, {force: true, recursive: true}))

  test('writes timestamped lines with mode 0600', () => {
    const file = path.join(dir, 'a.log')
    const log = new DaemonLog(file, false)
    log.write('hello')
    const text = readFileSync(file, 'utf8')
    assert.match(text, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z hello\n$/)
    assert.equal(statSync(file).mode & 0o777, 0o600)
  })

  test('stays bounded: past the limit it rotates to .1, keeping one old file', () => {
    const file = path.join(dir, 'b.log')
    const log = new DaemonLog(file, false, 1000)
    for (let index = 0; index < 100; index++) log.write(`line ${index} ${'x'.repeat(40)}`)
    assert.ok(statSync(file).size <= 1000, `current ${statSync(file).size}`)
    assert.ok(statSync(`${file}.1`).size <= 1000)
    assert.equal(existsSync(`${file}.2`), false)
    assert.match(readFileSync(file, 'utf8'), /line 99 /)
  })

  test('a log it cannot write never throws (capture must not stop over its log)', () => {
    const log = new DaemonLog(path.join(dir, 'missing-folder', 'c.log'), false)
    assert.doesNotThrow(() => log.write('lost'))
  })
})
