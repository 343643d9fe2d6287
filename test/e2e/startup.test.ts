import assert from 'node:assert/strict'
import {spawnSync} from 'node:child_process'
import {readFileSync} from 'node:fs'
import path from 'node:path'
import {after, describe, test} from 'node:test'

import {BIN, makeSandbox, ROOT} from '../helpers/cli.js'

const TRACE = path.join(ROOT, 'test', 'helpers', 'module-trace.mjs')

/**
 * Quick commands start without oclif and without the config module (zod: ~60-80 ms of imports,
 * see BENCHMARKS.md, startup): bin/run.js takes them through src/fast-path.ts. A failure loads
 * oclif only to print the error; help and commands that read settings still go through oclif,
 * which also shows the trace works.
 */
describe('startup: what quick commands load', () => {
  const s = makeSandbox()

  after(() => s.cleanup())

  function trace(args: string[]): {code: null | number; command: boolean; oclif: boolean; zod: boolean} {
    const out = path.join(s.home, `trace-${args.join('-')}.txt`)
    const result = spawnSync(process.execPath, ['--import', TRACE, BIN, ...args], {
      env: {...s.env, DEVTRACE_MODULE_TRACE: out}, encoding: 'utf8',
    })
    const urls = readFileSync(out, 'utf8').split('\n')
    assert.ok(urls.some(url => url.endsWith('/dist/fast-path.js')), 'the trace saw bin/run.js load the fast path')
    return {
      code: result.status,
      command: urls.some(url => url.endsWith('/dist/commands/' + args[0] + '.js')),
      oclif: urls.some(url => url.includes('/node_modules/@oclif/core/')),
      zod: urls.some(url => url.includes('/node_modules/zod/')),
    }
  }

  for (const args of [['status'], ['stop'], ['status', '--json'], ['stop', '--json']]) {
    test(`${args.join(' ')} loads neither oclif nor zod`, () => {
      assert.deepEqual(trace(args), {
        code: 0, command: false, oclif: false, zod: false,
      })
    })
  }

  for (const args of [['resume'], ['pause']]) {
    test(`${args.join(' ')} without a daemon loads oclif only to print the error, and no zod`, () => {
      assert.deepEqual(trace(args), {
        code: 1, command: false, oclif: true, zod: false,
      })
    })
  }

  test('help goes to oclif', () => {
    const help = trace(['status', '--help'])
    assert.deepEqual(help, {
      code: 0, command: false, oclif: true, zod: false,
    }, 'oclif prints help from its manifest')
  })

  test('config list reads settings through oclif, so it loads zod', () => {
    assert.deepEqual(trace(['config', 'list']), {
      code: 0, command: true, oclif: true, zod: true,
    })
  })
})
