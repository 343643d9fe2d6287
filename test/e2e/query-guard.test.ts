import assert from 'node:assert/strict'
import {
  existsSync, mkdtempSync, readdirSync, rmSync,
} from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import {describe, test} from 'node:test'

import {oneLine} from '../helpers/cli.js'
import {usePrivateDisplay} from '../helpers/display-suite.js'
import {e2eSkipReason} from '../helpers/xvfb.js'

const skip = e2eSkipReason()

describe('query stays read-only, really (through the daemon and on the file)', {skip}, () => {
  const x = usePrivateDisplay()

  test('functions that write, touch files or run SQL text are refused by name; nothing is created; reads still work', async () => {
    const s = x.sandbox()
    const elsewhere = mkdtempSync(path.join(os.tmpdir(), 'devtrace-test-logdir-'))
    const logs = path.join(elsewhere, 'logs')
    const database = path.join(s.home, 'devtrace.duckdb')
    try {
      for (const daemon of [true, false]) {
        assert.equal((await s.run([daemon ? 'start' : 'stop'])).code, 0)
        const refused: Array<[string, string]> = [
          [`SELECT * FROM enable_logging(storage = 'file', storage_path = '${logs}')`, 'enable_logging()'],
          ['SELECT * FROM checkpoint()', 'checkpoint()'],
          ['SELECT * FROM force_checkpoint()', 'force_checkpoint()'],
          ['FROM query(\'SELECT 1\')', 'query()'],
          ['FROM read_text(\'/etc/hostname\')', 'read_text()'],
          ['WITH x AS (SELECT * FROM checkpoint()) SELECT count(*) FROM events', 'checkpoint()'],
        ]
        for (const [sql, name] of refused) {
          for (const format of [[], ['--json'], ['--csv']]) {
            const result = await s.run(['query', sql, ...format])
            assert.equal(result.code, 1, `${sql} ${format.join(' ')} (daemon ${daemon})`)
            const message = format[0] === '--json' ? (JSON.parse(result.stdout) as {error: {message: string}}).error.message : oneLine(result.stderr)
            assert.ok(message.includes(`Refused: ${name} is not a`), message)
          }
        }

        const read = await s.run(['query', 'SELECT count(*) >= 0 AS ok, max(ts) IS NULL OR true AS fine FROM events', '--json'])
        assert.equal(read.code, 0, read.stderr)
        assert.deepEqual(JSON.parse(read.stdout), [{ok: true, fine: true}])
      }

      assert.equal(existsSync(logs), false, 'enable_logging created nothing')
      assert.deepEqual(readdirSync(elsewhere), [])
      assert.deepEqual(readdirSync(s.home).filter(name => name.startsWith('devtrace.duckdb')), ['devtrace.duckdb'])
      assert.ok(existsSync(database))
    } finally {
      rmSync(elsewhere, {force: true, recursive: true})
    }
  })
})
