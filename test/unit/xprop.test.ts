import assert from 'node:assert/strict'
import {describe, it} from 'node:test'

import {
  applyWindowProperty, parseQuotedStrings, parseXpropLine, type WindowProperties,
} from '../../src/capture/xprop.js'

function window(...lines: string[]): WindowProperties {
  const properties: WindowProperties = {instance: null, app: null, title: null}
  for (const text of lines) {
    const line = parseXpropLine(text)
    assert.ok(line, text)
    applyWindowProperty(properties, line)
  }

  return properties
}

describe('xprop output', () => {
  it('reads the active window id, and 0x0 / not found as none', () => {
    assert.deepEqual(parseXpropLine('_NET_ACTIVE_WINDOW(WINDOW): window id # 0x80000c'), {
      name: '_NET_ACTIVE_WINDOW', type: 'WINDOW', strings: [], missing: false, window: 0x80_00_0C, windows: [0x80_00_0C],
    })
    assert.deepEqual((parseXpropLine('_NET_CLIENT_LIST(WINDOW): window id # 0x400030, 0x80000c') as {windows: number[]}).windows, [0x40_00_30, 0x80_00_0C])
    assert.deepEqual((parseXpropLine('_NET_CLIENT_LIST(WINDOW): window id # 0x0') as {windows: number[]}).windows, [])
    assert.equal((parseXpropLine('_NET_ACTIVE_WINDOW(WINDOW): window id # 0x0') as {window: null | number}).window, null)
    assert.deepEqual(parseXpropLine('_NET_ACTIVE_WINDOW:  not found.'), {name: '_NET_ACTIVE_WINDOW', missing: true})
    assert.deepEqual(parseXpropLine('_NET_WM_PID:  no such atom on any window.'), {name: '_NET_WM_PID', missing: true})
  })

  it('ignores lines that are not properties', () => {
    assert.equal(parseXpropLine(''), undefined)
    assert.equal(parseXpropLine('xprop: error: Invalid window id format: 0xzz.'), undefined)
    assert.equal(parseXpropLine('X Error of failed request:  BadWindow (invalid Window parameter)'), undefined)
  })

  it('names the app by WM_CLASS class, also for windows without _NET_WM_PID (xmessage, xlogo)', () => {
    assert.deepEqual(window('WM_CLASS(STRING) = "alpha", "Xmessage"'), {instance: 'alpha', app: 'Xmessage', title: null})
    assert.deepEqual(window('WM_CLASS(STRING) = "xterm", "DevAlpha"'), {instance: 'xterm', app: 'DevAlpha', title: null})
    // Only an instance: use it rather than know nothing.
    assert.deepEqual(window('WM_CLASS(STRING) = "lonely"'), {instance: 'lonely', app: 'lonely', title: null})
    assert.deepEqual(window('WM_CLASS:  not found.'), {instance: null, app: null, title: null})
  })

  it('prefers _NET_WM_NAME (UTF-8) over WM_NAME for the title, in either order', () => {
    const netFirst = window('WM_CLASS(STRING) = "code", "Code"', '_NET_WM_NAME(UTF8_STRING) = "notes.md — Code"', 'WM_NAME(STRING) = "notes.md - Code"')
    assert.equal(netFirst.title, 'notes.md — Code')
    const wmFirst = window('WM_NAME(STRING) = "notes.md - Code"', '_NET_WM_NAME(UTF8_STRING) = "notes.md — Code"')
    assert.equal(wmFirst.title, 'notes.md — Code')
    assert.equal(window('_NET_WM_NAME:  not found.', 'WM_NAME(STRING) = "alpha-title"').title, 'alpha-title')
    assert.equal(window('_NET_WM_NAME:  not found.', 'WM_NAME:  not found.').title, null)
    assert.equal(window('WM_NAME(COMPOUND_TEXT) = "mixed"').title, 'mixed')
  })

  it('unescapes quotes, backslashes, control characters and octal bytes as UTF-8', () => {
    assert.deepEqual(parseQuotedStrings(String.raw`"say \"hi\"", "back\\slash"`), ['say "hi"', String.raw`back\slash`])
    assert.deepEqual(parseQuotedStrings(String.raw`"new title \303\251"`), ['new title é'])
    assert.deepEqual(parseQuotedStrings(String.raw`"line\nbreak\ttab"`), ['line\nbreak\ttab'])
    assert.deepEqual(parseQuotedStrings(String.raw`"a\\1"`), [String.raw`a\1`])
    assert.deepEqual(parseQuotedStrings('"café 🎉 ok"'), ['café 🎉 ok'])
    assert.deepEqual(parseQuotedStrings('""'), [''])
    assert.deepEqual(parseQuotedStrings('"a, b", "c"'), ['a, b', 'c'])
  })
})
