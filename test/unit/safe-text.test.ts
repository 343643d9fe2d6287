import assert from 'node:assert/strict'
import {describe, test} from 'node:test'

import {safeLines, safeText} from '../../src/ui/safe-text.js'
import {renderTable, styled} from '../../src/ui/table.js'

// Every control character: C0, DEL and C1.
const CONTROL_CODES = [...Array.from({length: 0x20}, (_, i) => i), 0x7F, ...Array.from({length: 0x20}, (_, i) => 0x80 + i)]
const CONTROLS = CONTROL_CODES.map(code => String.fromCodePoint(code))
// eslint-disable-next-line no-control-regex
const RAW_CONTROL = /[\u0000-\u001F\u007F-\u009F]/
// The same, but for text whose own line breaks are fine (a table's rows).
// eslint-disable-next-line no-control-regex
const RAW_CONTROL_BUT_NEWLINE = /[\u0000-\u0009\u000B-\u001F\u007F-\u009F]/

describe('safe text for the terminal', () => {
  test(String.raw`a screen-clearing escape, a tab and a newline become visible \xNN text`, () => {
    assert.equal(safeText('Evil\u001B[2J'), String.raw`Evil\x1b[2J`)
    assert.equal(safeText('a\tb\nc\rd'), String.raw`a\x09b\x0ac\x0dd`)
    assert.equal(safeText('\u009B31m\u007F\u0000'), String.raw`\x9b31m\x7f\x00`)
  })

  test('every C0, DEL and C1 control character is replaced; nothing raw is left', () => {
    for (const char of CONTROLS) {
      const shown = safeText(`x${char}y`)
      assert.doesNotMatch(shown, RAW_CONTROL, `U+${char.codePointAt(0)!.toString(16)}`)
      assert.equal(shown, `x\\x${char.codePointAt(0)!.toString(16).padStart(2, '0')}y`)
    }
  })

  test('ordinary text, accents, CJK and emoji are unchanged', () => {
    for (const text of ['firefox', 'café — notes.txt', '終端', 'ship it 🚀', String.raw`C:\Users\me`, '']) assert.equal(safeText(text), text)
  })

  test('safeLines keeps line breaks and escapes the rest', () => {
    assert.equal(safeLines('Expected --kind=\u001B[2J\nSee more help'), 'Expected --kind=\\x1b[2J\nSee more help')
  })

  test('a table with a hostile cell keeps one line per row and no raw control character', () => {
    const text = renderTable(['app', 'n\u001B[2J'], [['Evil\u001B[2J', '1'], ['tab\there\nnewline', '2']])
    assert.doesNotMatch(text, RAW_CONTROL_BUT_NEWLINE)
    const lines = text.split('\n')
    assert.equal(lines.length, 3)
    assert.match(lines[1].trimEnd(), /^Evil\\x1b\[2J +1$/)
    assert.match(lines[2].trimEnd(), /^tab\\x09here\\x0anewline +2$/)
  })

  test('a styled cell keeps its colour codes but its own text is made safe', () => {
    const red = (text: string): string => `\u001B[31m${text}\u001B[39m`
    const text = renderTable(['outcome'], [[styled('fail\u001B[2J', red)]])
    assert.equal(text.split('\n')[1].trimEnd(), '\u001B[31mfail\\x1b[2J\u001B[39m')
  })
})
