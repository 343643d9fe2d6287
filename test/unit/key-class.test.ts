import assert from 'node:assert/strict'
import {describe, it} from 'node:test'

import {KEY_CLASSES, type KeyClass} from '../../src/capture/event.js'
import {keyClassOf} from '../../src/capture/key-class.js'
import {UiohookKey} from './uiohook-keys.js'

const LETTER_NAMES = [...'ABCDEFGHIJKLMNOPQRSTUVWXYZ'] as Array<keyof typeof UiohookKey>

describe('keyClassOf', () => {
  it('classes every letter a–z as letter', () => {
    assert.equal(LETTER_NAMES.length, 26)
    for (const name of LETTER_NAMES) {
      assert.equal(keyClassOf(UiohookKey[name]), 'letter', `key ${name}`)
    }
  })

  it('classes the digit row and the numpad digits as digit', () => {
    for (const name of ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'] as const) {
      assert.equal(keyClassOf(UiohookKey[name]), 'digit', `key ${name}`)
      assert.equal(keyClassOf(UiohookKey[`Numpad${name}`]), 'digit', `key Numpad${name}`)
    }
  })

  it('classes space as space', () => {
    assert.equal(keyClassOf(UiohookKey.Space), 'space')
    assert.equal(keyClassOf(57), 'space')
  })

  it('classes symbol keys and numpad operators as punctuation', () => {
    const names = [
      'Semicolon',
      'Equal',
      'Comma',
      'Minus',
      'Period',
      'Slash',
      'Backquote',
      'BracketLeft',
      'Backslash',
      'BracketRight',
      'Quote',
      'NumpadMultiply',
      'NumpadAdd',
      'NumpadSubtract',
      'NumpadDecimal',
      'NumpadDivide',
    ] as const
    for (const name of names) assert.equal(keyClassOf(UiohookKey[name]), 'punctuation', `key ${name}`)
    assert.equal(keyClassOf(86), 'punctuation', 'ISO key left of Z')
  })

  it('classes ctrl/alt/shift/meta on both sides and the lock keys as modifier', () => {
    const names = ['Ctrl', 'CtrlRight', 'Alt', 'AltRight', 'Shift', 'ShiftRight', 'Meta', 'MetaRight', 'CapsLock', 'NumLock', 'ScrollLock'] as const
    for (const name of names) assert.equal(keyClassOf(UiohookKey[name]), 'modifier', `key ${name}`)
    assert.equal(keyClassOf(0x0E_5D), 'modifier', 'context menu key')
  })

  it('classes arrows, paging, tab and enter (main and numpad) as navigation', () => {
    const names = [
      'ArrowLeft',
      'ArrowUp',
      'ArrowRight',
      'ArrowDown',
      'Home',
      'End',
      'PageUp',
      'PageDown',
      'Tab',
      'Enter',
      'NumpadEnter',
      'NumpadHome',
      'NumpadEnd',
      'NumpadPageUp',
      'NumpadPageDown',
      'NumpadArrowLeft',
      'NumpadArrowUp',
      'NumpadArrowRight',
      'NumpadArrowDown',
    ] as const
    for (const name of names) assert.equal(keyClassOf(UiohookKey[name]), 'navigation', `key ${name}`)
  })

  it('classes backspace, delete and numpad delete as correction', () => {
    assert.equal(keyClassOf(UiohookKey.Backspace), 'correction')
    assert.equal(keyClassOf(UiohookKey.Delete), 'correction')
    assert.equal(keyClassOf(UiohookKey.NumpadDelete), 'correction')
  })

  it('classes F1–F24, escape and print screen as function', () => {
    for (let n = 1; n <= 24; n++) {
      const name = `F${n}` as keyof typeof UiohookKey
      assert.equal(keyClassOf(UiohookKey[name]), 'function', `key ${name}`)
    }

    assert.equal(keyClassOf(UiohookKey.Escape), 'function')
    assert.equal(keyClassOf(UiohookKey.PrintScreen), 'function')
  })

  it('classes a real key outside every group (Insert) as other', () => {
    assert.equal(keyClassOf(UiohookKey.Insert), 'other')
    assert.equal(keyClassOf(UiohookKey.NumpadInsert), 'other')
  })

  it('classes unknown codes as other', () => {
    assert.equal(keyClassOf(0), 'other')
    assert.equal(keyClassOf(-1), 'other')
    assert.equal(keyClassOf(0xFF_FF), 'other')
    assert.equal(keyClassOf(1.5), 'other')
  })

  it('gives every code in the uiohook key table one of the public classes, and uses every class', () => {
    const seen = new Set<KeyClass>()
    for (const code of Object.values(UiohookKey)) {
      const keyClass = keyClassOf(code)
      assert.ok(KEY_CLASSES.includes(keyClass), `code ${code} → ${keyClass}`)
      seen.add(keyClass)
    }

    assert.deepEqual([...seen].sort(), [...KEY_CLASSES].sort())
  })
})
