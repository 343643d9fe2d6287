import assert from 'node:assert/strict'
import {
  after, before, describe, test,
} from 'node:test'

import {makeSandbox, type Sandbox} from '../helpers/cli.js'

/**
 * The conventions a user of other CLIs expects, checked through the built bin/run.js: short flags
 * mean one thing, usage lines read cleanly, --demo on every read command, config that refuses at
 * `set` what a command would refuse later, one clock in messages, and colour only where wanted.
 */
describe('CLI conventions (no display needed)', () => {
  let s: Sandbox

  before(() => {
    s = makeSandbox()
  })

  after(() => s.cleanup())

  test('report has no -f for --force: -f means --follow, on inspect only', async () => {
    const report = await s.run(['report', '--out', 'x.html', '-f'])
    assert.equal(report.code, 2, report.stdout)
    assert.match(report.stderr, /Nonexistent flag: -f/)
    const help = await s.run(['report', '--help'])
    assert.equal(help.code, 0, help.stderr)
    assert.match(help.stdout, /^ +--force +Overwrite/m)
    assert.doesNotMatch(help.stdout, /-f, --force/)
    assert.match((await s.run(['inspect', '--help'])).stdout, /-f, --follow/)
  })
})
