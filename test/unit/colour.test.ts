import assert from 'node:assert/strict'
import {describe, test} from 'node:test'

import {colourLevel} from '../../src/ui/colour.js'

const tty = {isTTY: true}
const pipe = {isTTY: false}

describe('colourLevel', () => {
  test('a terminal gets colour, a pipe or TERM=dumb does not', () => {
    assert.equal(colourLevel(tty, {}), 1)
    assert.equal(colourLevel(pipe, {}), 0)
    assert.equal(colourLevel(tty, {TERM: 'dumb'}), 0)
  })

  test('FORCE_COLOR colours a pipe; its value picks the level; 0 and false turn it off', () => {
    assert.equal(colourLevel(pipe, {FORCE_COLOR: '1'}), 1)
    assert.equal(colourLevel(pipe, {FORCE_COLOR: ''}), 1)
    assert.equal(colourLevel(pipe, {FORCE_COLOR: 'true'}), 1)
    assert.equal(colourLevel(pipe, {FORCE_COLOR: '3'}), 3)
    assert.equal(colourLevel(pipe, {FORCE_COLOR: '9'}), 3)
    assert.equal(colourLevel(tty, {FORCE_COLOR: '0'}), 0)
    assert.equal(colourLevel(tty, {FORCE_COLOR: 'false'}), 0)
  })

  test('NO_COLOR wins over FORCE_COLOR and a terminal; an empty NO_COLOR is not set (no-color.org)', () => {
    assert.equal(colourLevel(pipe, {FORCE_COLOR: '1', NO_COLOR: '1'}), 0)
    assert.equal(colourLevel(tty, {NO_COLOR: 'yes'}), 0)
    assert.equal(colourLevel(tty, {NO_COLOR: ''}), 1)
  })
})
