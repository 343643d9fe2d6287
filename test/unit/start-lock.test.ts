import assert from 'node:assert/strict'
import {spawnSync} from 'node:child_process'
import {
  existsSync, mkdtempSync, rmSync, writeFileSync,
} from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import {after, describe, test} from 'node:test'

import {resolvePaths} from '../../src/config/paths.js'
import {withStartLock} from '../../src/daemon/start-lock.js'

describe('start lock', () => {
  const home = mkdtempSync(path.join(os.tmpdir(), 'devtrace-start-lock-'))
  const paths = resolvePaths({DEVTRACE_HOME: home})
  const file = path.join(home, 'start.lock')

  after(() => rmSync(home, {force: true, recursive: true}))

  test('starts run one at a time, and the lock is gone afterwards', async () => {
    const log: string[] = []
    const starter = (name: string) => withStartLock(paths, async () => {
      log.push(`${name} in`)
      await new Promise(resolve => {
        setTimeout(resolve, 50)
      })
      log.push(`${name} out`)
      return name
    })
    assert.deepEqual(await Promise.all([starter('a'), starter('b'), starter('c')]), ['a', 'b', 'c'])
    for (let index = 0; index < log.length; index += 2) {
      assert.equal(log[index].replace(' in', ' out'), log[index + 1], log.join(', '))
    }

    assert.equal(existsSync(file), false)
  })

  test('a lock left by a starter that is gone is taken over', async () => {
    // A pid that certainly exited: a child that has already been reaped.
    const {pid} = spawnSync(process.execPath, ['-e', '0'])
    writeFileSync(file, `${pid}\n`)
    assert.equal(await withStartLock(paths, async () => 'started'), 'started')
    assert.equal(existsSync(file), false)
  })
})
