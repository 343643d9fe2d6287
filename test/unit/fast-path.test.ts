import assert from 'node:assert/strict'
import {describe, test} from 'node:test'

import {fastPlan} from '../../src/fast-path.js'

/** Which arguments bin/run.js runs without oclif; everything else must reach oclif unchanged. */
describe('fast path: which arguments it takes', () => {
  const taken = (argv: string[]): boolean => fastPlan(argv) !== undefined

  test('plain quick commands, with or without --json', () => {
    for (const argv of [['status'], ['stop'], ['resume'], ['pause'], ['status', '--json'], ['pause', '--for', '10m'], ['pause', '--for=10m', '--json']]) {
      assert.equal(taken(argv), true, argv.join(' '))
    }
  })

  test('--json is read from the arguments', () => {
    assert.equal(fastPlan(['status', '--json'])?.json, true)
    assert.equal(fastPlan(['status'])?.json, false)
  })

  test('start only in the foreground, with valid flags in any order', () => {
    assert.equal(taken(['start']), false)
    assert.equal(taken(['start', '--level', 'minimal']), false)
    for (const argv of [
      ['start', '--foreground'],
      ['start', '--level', 'full', '--backend', 'hook', '--mouse-hz', '0', '--foreground'],
      ['start', '--foreground', '--level=standard', '--backend=evdev', '--mouse-hz=10000', '--allow-unfiltered'],
    ]) assert.equal(taken(argv), true, argv.join(' '))
  })

  test('anything oclif must judge goes to oclif', () => {
    for (const argv of [
      [],
      ['--version'],
      ['summarize'],
      ['status', '--help'],
      ['status', '-h'],
      ['status', 'extra'],
      ['stop', '--force'],
      ['pause', '--for'],
      ['pause', '--for', '1m', '--for', '2m'],
      ['pause', '--for='],
      ['resume', '--for', '1m'],
      ['start', '--foreground', '--level', 'loud'],
      ['start', '--foreground', '--backend', 'x11'],
      ['start', '--foreground', '--mouse-hz', '-1'],
      ['start', '--foreground', '--mouse-hz', '10001'],
      ['start', '--foreground', '--mouse-hz', '1.5'],
      ['start', '--foreground', '--foreground'],
    ]) assert.equal(taken(argv), false, argv.join(' '))
  })
})
