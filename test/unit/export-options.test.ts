import assert from 'node:assert/strict'
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import {describe, test} from 'node:test'

import {checkDestination, formatFromPath, partialPath} from '../../src/transfer/export.js'
import {withDefaultValue} from '../../src/ui/optional-value.js'

describe('export options', () => {
  test('the format comes from the extension, case-insensitively; unknown extensions give none', () => {
    assert.equal(formatFromPath('/a/b.parquet'), 'parquet')
    assert.equal(formatFromPath('/a/b.PQ'), 'parquet')
    assert.equal(formatFromPath('b.csv'), 'csv')
    assert.equal(formatFromPath('b.json'), 'json')
    assert.equal(formatFromPath('b.ndjson'), 'ndjson')
    assert.equal(formatFromPath('b.jsonl'), 'ndjson')
    assert.equal(formatFromPath('b.txt'), undefined)
    assert.equal(formatFromPath('parquet'), undefined)
  })

  test('a bare --redact gets the default profile; given values and other flags pass through', () => {
    const coarse = (argv: string[]): string[] => withDefaultValue(argv, '--redact', 'coarse')
    assert.deepEqual(coarse(['--out', 'a.csv', '--redact']), ['--out', 'a.csv', '--redact', 'coarse'])
    assert.deepEqual(coarse(['--redact', '--out', 'a.csv']), ['--redact', 'coarse', '--out', 'a.csv'])
    assert.deepEqual(coarse(['--redact', '-o', 'a.csv']), ['--redact', 'coarse', '-o', 'a.csv'])
    assert.deepEqual(coarse(['--redact', 'keys', '--out', 'a.csv']), ['--redact', 'keys', '--out', 'a.csv'])
    assert.deepEqual(coarse(['--redact=aggregate']), ['--redact=aggregate'])
    assert.deepEqual(coarse(['--out', 'a.csv']), ['--out', 'a.csv'])
    assert.deepEqual(coarse(['--', '--redact']), ['--', '--redact'])
  })

  test('destinations: an existing file needs force; folders, missing folders and the database itself are refused', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'devtrace-export-'))
    try {
      const database = path.join(dir, 'devtrace.duckdb')
      const existing = path.join(dir, 'old.csv')
      writeFileSync(existing, 'x')
      assert.doesNotThrow(() => checkDestination(path.join(dir, 'new.csv'), false, database))
      assert.throws(() => checkDestination(existing, false, database), {message: `${existing} already exists.`, exitCode: 1})
      assert.doesNotThrow(() => checkDestination(existing, true, database))
      assert.throws(() => checkDestination(dir, true, database), {message: `${dir} is a folder.`, exitCode: 2})
      assert.throws(() => checkDestination(path.join(dir, 'nope', 'a.csv'), false, database), {message: /does not exist/, exitCode: 1})
      assert.throws(() => checkDestination(database, true, database), {message: /over the devtrace database itself/, exitCode: 2})
      assert.equal(partialPath('/x/y/out.parquet'), '/x/y/.out.parquet.devtrace-partial')
    } finally {
      rmSync(dir, {force: true, recursive: true})
    }
  })
})
