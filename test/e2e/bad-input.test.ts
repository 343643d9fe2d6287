import assert from 'node:assert/strict'
import {writeFileSync} from 'node:fs'
import path from 'node:path'
import {
  after, before, describe, test,
} from 'node:test'

import {makeSandbox, oneLine, type Sandbox} from '../helpers/cli.js'

/**
 * Every command with bad input, as a user types it: a usage mistake is exit 2, a runtime
 * problem exit 1, and either way one clear sentence on stderr and never a stack trace.
 */
const USAGE: Array<[string[], RegExp]> = [
  [['status', '--bogus'], /Nonexistent flag: --bogus/],
  [['start', '--level', 'loud'], /Expected --level=loud to be one of: minimal, standard, full/],
  [['start', '--mouse-hz', '-1'], /mouse-hz/],
  [['start', '--mouse-hz', 'fast'], /Expected an integer but received: fast/],
  [['stop', 'now'], /devtrace stop takes no argument "now"\. .*Run devtrace stop --help/],
  [['pause', '--for', 'a while'], /--for "a while" is not a duration/],
  [['pause', '--for', '0s'], /--for "0s" is not a duration/],
  [['pause', '--for'], /Flag --for expects a value/],
  [['inspect', '--since', 'whenever'], /--since "whenever" is not a time I understand/],
  [['inspect', '--until', '25:99'], /--until "25:99" is not a time I understand/],
  [['inspect', '--since', '1h', '--until', '2h'], /must be before --until/],
  [['inspect', '--limit', '-5'], /Expected an integer greater than or equal to 1 but received: -5/],
  [['inspect', '--limit', '0'], /greater than or equal to 1/],
  [['inspect', '--kind', 'sneeze'], /Expected --kind=sneeze to be one of: key_down/],
  [['inspect', '--follow', '--since', '1h'], /cannot also be provided/],
  [['query'], /Missing 1 required arg:\s*sql/],
  [['query', '--timeout', 'later', 'select 1'], /--timeout "later" is not a duration/],
  [['upload', '--timeout', 'soon', '--dry-run'], /--timeout "soon" is not a duration/],
  [['upload', '--timeout', '0', '--dry-run'], /--timeout "0" is out of range for upload/],
  [['config', 'frobnicate'], /Expected frobnicate to be one of: list, get, set/],
  [['config', 'get', 'colour'], /Unknown setting "colour"/],
  [['config', 'set', 'level', 'loud'], /Invalid value for level/],
  [['config', 'set', 'mouse_hz', 'fast'], /Invalid value for mouse_hz: expected a number, got "fast"/],
  [['config', 'set', 'mouse_hz', '-3'], /Invalid value for mouse_hz/],
  [['config', 'set', 'capture_titles', 'maybe'], /expected true or false/],
  [['config', 'set', 'upload.url', 'not a url'], /"not a url" is not a URL\./],
  [['config', 'set', 'flush_ms'], /No value given for flush_ms/],
  [['frobnicate'], /"frobnicate" is not a devtrace command\. .*Run devtrace help for every command\./],
]

describe('bad input gives one clear sentence and the right exit code', () => {
  let s: Sandbox

  before(() => {
    s = makeSandbox()
  })

  after(() => s.cleanup())

  for (const [args, message] of USAGE) {
    test(`usage (exit 2): devtrace ${args.join(' ')}`, async () => {
      const result = await s.run(args)
      assert.equal(result.code, 2, `${args.join(' ')} → ${result.code}: ${result.stderr}`)
      assert.match(oneLine(result.stderr), message)
      assert.doesNotMatch(result.stderr, /\n\s+at .*\(.*:\d+:\d+\)/, 'no stack trace')
      assert.equal(result.stdout.includes('"error"'), false)
    })
  }

  for (const args of [['inspect', '--csv', '--json'], ['query', 'SELECT 1', '--csv', '--json']]) {
    test(`usage (exit 2), reported as JSON because --json was asked for: devtrace ${args.join(' ')}`, async () => {
      const result = await s.run(args)
      assert.equal(result.code, 2)
      const parsed = JSON.parse(result.stdout) as {error: {exit_code: number; message: string}}
      assert.equal(parsed.error.exit_code, 2)
      assert.match(parsed.error.message, /--json=true cannot also be provided when using --csv/)
    })
  }

  test('usage errors with --json are JSON on stdout with exit code 2', async () => {
    const result = await s.run(['inspect', '--since', 'whenever', '--json'])
    assert.equal(result.code, 2)
    const parsed = JSON.parse(result.stdout) as {error: {exit_code: number; message: string; suggestion: string}}
    assert.equal(parsed.error.exit_code, 2)
    assert.equal(parsed.error.message, '--since "whenever" is not a time I understand.')
    assert.match(parsed.error.suggestion, /ISO-8601/)
  })

  const RUNTIME: Array<[string[], RegExp]> = [
    [['pause'], /devtrace is not running\..*devtrace start/],
    [['resume'], /devtrace is not running\./],
    [['query', 'SELECT 1'], /There is no devtrace database yet/],
    [['inspect'], /There is no devtrace database yet/],
    [['inspect', '--follow'], /--follow needs the daemon: devtrace is not running/],
  ]
  for (const [args, message] of RUNTIME) {
    test(`runtime (exit 1): devtrace ${args.join(' ')}`, async () => {
      const result = await s.run(args)
      assert.equal(result.code, 1, `${args.join(' ')} → ${result.code}: ${result.stderr}`)
      assert.match(oneLine(result.stderr), message)
      assert.doesNotMatch(result.stderr, /\n\s+at .*\(.*:\d+:\d+\)/)
    })
  }

  test('a broken config.json names the file and the field', async () => {
    const home = makeSandbox()
    try {
      writeFileSync(path.join(home.home, 'config.json'), JSON.stringify({mouse_hz: 'fast', level: 'standard'}))
      const result = await home.run(['start'])
      assert.equal(result.code, 1)
      assert.match(oneLine(result.stderr), /config\.json: field "mouse_hz" is invalid/)
      const list = await home.run(['config', 'list'])
      assert.equal(list.code, 1)
      writeFileSync(path.join(home.home, 'config.json'), '{"level": "standard",')
      const json = await home.run(['config', 'get', 'level'])
      assert.equal(json.code, 1)
      assert.match(oneLine(json.stderr), /config\.json is not valid JSON/)
      writeFileSync(path.join(home.home, 'config.json'), JSON.stringify({colour: 'blue'}))
      const unknown = await home.run(['config', 'list'])
      assert.match(oneLine(unknown.stderr), /field "colour" is invalid/)
    } finally {
      home.cleanup()
    }
  })

  test('a database from a newer devtrace is refused, not misread', async () => {
    const home = makeSandbox()
    try {
      const {DuckDBInstance} = await import('@duckdb/node-api')
      const instance = await DuckDBInstance.create(path.join(home.home, 'devtrace.duckdb'))
      const connection = await instance.connect()
      await connection.run('CREATE TABLE schema_version (version INTEGER, applied_at TIMESTAMP); INSERT INTO schema_version VALUES (99, now()::TIMESTAMP)')
      connection.closeSync()
      instance.closeSync()
      const query = await home.run(['query', 'SELECT 1'])
      assert.equal(query.code, 1)
      assert.match(oneLine(query.stderr), /uses schema version 99, newer than this devtrace understands/)
      const status = await home.run(['status', '--json'])
      assert.equal(status.code, 0)
      assert.match((JSON.parse(status.stdout) as {note: string}).note, /schema version 99/)
    } finally {
      home.cleanup()
    }
  })
})
