import assert from 'node:assert/strict'
import {describe, test} from 'node:test'

import {canAskWhichCommand, closestCommand} from '../../src/ui/command-suggestion.js'

const COMMANDS = 'audit autocomplete config demo export exposure forget help inspect pause query redact report resume start status stop summarize upload'.split(' ')

describe('a mistyped command: which one was meant', () => {
  test('a typo names the command a few edits away', () => {
    assert.equal(closestCommand('summarise', COMMANDS), 'summarize')
    assert.equal(closestCommand('exprot', COMMANDS), 'export')
    assert.equal(closestCommand('inspcet', COMMANDS), 'inspect')
  })

  test('swapped letters are one edit: stauts is status, not start', () => {
    assert.equal(closestCommand('stauts', COMMANDS), 'status')
  })

  test('nothing close: no guess', () => {
    assert.equal(closestCommand('xyzzy', COMMANDS), undefined)
    assert.equal(closestCommand('uninstall', COMMANDS), undefined)
  })

  test('asks only with a terminal on both ends and outside CI', () => {
    const tty = {isTTY: true}
    const pipe = {isTTY: false}
    assert.equal(canAskWhichCommand({}, {stdin: tty, stdout: tty}), true)
    assert.equal(canAskWhichCommand({CI: 'true'}, {stdin: tty, stdout: tty}), false)
    assert.equal(canAskWhichCommand({}, {stdin: pipe, stdout: tty}), false)
    assert.equal(canAskWhichCommand({}, {stdin: tty, stdout: pipe}), false)
    assert.equal(canAskWhichCommand({}, {stdin: {}, stdout: {}}), false)
  })
})
