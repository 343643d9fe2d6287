import assert from 'node:assert/strict'
import {describe, test} from 'node:test'

import {stateFolderError, writeProblem} from '../../src/config/write-problem.js'
import {DevtraceError} from '../../src/core/errors.js'

const errno = (code: string, message = `${code}: something`): NodeJS.ErrnoException => Object.assign(new Error(message), {code})

describe('write problems in plain words', () => {
  test('from Node errno codes and from the text of DuckDB IO errors', () => {
    assert.equal(writeProblem(errno('ENOSPC')), 'the disk is full')
    assert.equal(writeProblem(errno('EROFS')), 'it is on a read-only file system')
    assert.equal(writeProblem(errno('EDQUOT')), 'it is over its disk quota')
    assert.equal(writeProblem(errno('EACCES')), 'permission denied')
    assert.equal(writeProblem(new Error('IO Error: Could not write file "/x/devtrace.duckdb": No space left on device')), 'the disk is full')
    assert.equal(writeProblem(new Error('IO Error: Cannot open file "/x/devtrace.duckdb": Read-only file system')), 'it is on a read-only file system')
    assert.equal(writeProblem(errno('ECONNRESET')), undefined)
    assert.equal(writeProblem(new Error('Catalog Error: Table with name "events" already exists!')), undefined)
  })

  test('a state-folder error is one sentence without the errno code; other errors are not explained away', () => {
    const full = stateFolderError(errno('ENOSPC', 'ENOSPC: no space left on device, write'), '/data/devtrace')
    assert.ok(full instanceof DevtraceError)
    assert.equal(full.message, 'devtrace cannot write to its folder /data/devtrace: the disk is full.')
    assert.equal(stateFolderError(new TypeError('bug'), '/data/devtrace'), undefined)
    const known = new DevtraceError('Already explained.')
    assert.equal(stateFolderError(known, '/data/devtrace'), known)
  })
})
