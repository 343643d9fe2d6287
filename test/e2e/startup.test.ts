import assert from 'node:assert/strict'
import {spawnSync} from 'node:child_process'
import {readFileSync} from 'node:fs'
import path from 'node:path'
import {after, describe, test} from 'node:test'

import {BIN, makeSandbox, ROOT} from '../helpers/cli.js'

const TRACE = path.join(ROOT, 'test', 'helpers', 'module-trace.mjs')

/**
 * Quick commands start without the config module (zod: ~60-80 ms of imports, see BENCHMARKS.md,
 * startup). A command that reads settings still loads it, which also shows the trace works.
 */
describe('startup: what quick commands load', () => {
  const s = makeSandbox()

  after(() => s.cleanup())

  function loadsZod(args: string[]): {code: null | number; zod: boolean} {
    const out = path.join(s.home, `trace-${args.join('-')}.txt`)
    const result = spawnSync(process.execPath, ['--import', TRACE, BIN, ...args], {
      env: {...s.env, DEVTRACE_MODULE_TRACE: out}, encoding: 'utf8',
    })
    const urls = readFileSync(out, 'utf8').split('\n')
    assert.ok(urls.some(url => url.endsWith('/dist/commands/' + args[0] + '.js')), `the trace saw the ${args[0]} command load`)
    return {code: result.status, zod: urls.some(url => url.includes('/node_modules/zod/'))}
  }

  for (const args of [['status'], ['stop'], ['resume'], ['pause']]) {
    test(`${args.join(' ')} does not load zod`, () => {
      // With no daemon: status and stop succeed, pause and resume say it is not running (exit 1).
      assert.deepEqual(loadsZod(args), {code: args[0] === 'status' || args[0] === 'stop' ? 0 : 1, zod: false})
    })
  }

  test('config list reads settings, so it loads zod', () => {
    assert.deepEqual(loadsZod(['config', 'list']), {code: 0, zod: true})
  })
})
