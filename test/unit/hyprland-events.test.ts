import assert from 'node:assert/strict'
import {describe, test} from 'node:test'

import {
  LineSplitter, MAX_HYPRLAND_LINE, parseHyprlandActiveWindow, parseHyprlandLine,
} from '../../src/capture/hyprland-events.js'

describe('Hyprland event lines', () => {
  test('activewindow: class, then a title that may hold commas', () => {
    assert.deepEqual(parseHyprlandLine('activewindow>>kitty,~/src/devtrace'), {kind: 'active', app: 'kitty', title: '~/src/devtrace'})
    assert.deepEqual(parseHyprlandLine('activewindow>>firefox,Inbox (3), Mail — Mozilla Firefox'), {
      kind: 'active', app: 'firefox', title: 'Inbox (3), Mail — Mozilla Firefox',
    })
    assert.deepEqual(parseHyprlandLine('activewindow>>org.keepassxc.KeePassXC,'), {kind: 'active', app: 'org.keepassxc.KeePassXC', title: null})
  })

  test('activewindow with nothing focused (an empty workspace) is no app', () => {
    assert.deepEqual(parseHyprlandLine('activewindow>>,'), {kind: 'active', app: null, title: null})
    assert.deepEqual(parseHyprlandLine('activewindow>>'), {kind: 'active', app: null, title: null})
  })

  test('activewindowv2 carries the address; other events and junk are not focus changes', () => {
    assert.deepEqual(parseHyprlandLine('activewindowv2>>55d4c8a3b2e0'), {kind: 'address', id: 0x55_D4_C8_A3_B2_E0})
    assert.deepEqual(parseHyprlandLine('activewindowv2>>'), {kind: 'address', id: null})
    assert.equal(parseHyprlandLine('workspace>>2'), undefined)
    assert.equal(parseHyprlandLine('openwindow>>55d4c8a3b2e0,2,foot,foot'), undefined)
    assert.equal(parseHyprlandLine('no separator here'), undefined)
  })

  test('j/activewindow answers: a window, {} for none, garbage as none', () => {
    const answer = '{"address": "0x55d4c8a3b2e0", "mapped": true, "class": "foot", "title": "htop", "initialClass": "foot", "pid": 4242}'
    assert.deepEqual(parseHyprlandActiveWindow(answer), {app: 'foot', title: 'htop', id: 0x55_D4_C8_A3_B2_E0})
    assert.deepEqual(parseHyprlandActiveWindow('{}'), {app: null, title: null, id: null})
    assert.deepEqual(parseHyprlandActiveWindow('unknown request'), {app: null, title: null, id: null})
  })
})

describe('LineSplitter', () => {
  test('lines split across chunks come out whole', () => {
    const lines = new LineSplitter()
    assert.deepEqual(lines.push('activewindow>>fo'), [])
    assert.deepEqual(lines.push('ot,t\nactivewindowv2>>1\nwork'), ['activewindow>>foot,t', 'activewindowv2>>1'])
    assert.deepEqual(lines.push('space>>2\n'), ['workspace>>2'])
  })

  test('an over-long line is dropped up to its newline, not buffered', () => {
    const lines = new LineSplitter()
    const long = 'x'.repeat(MAX_HYPRLAND_LINE + 10)
    assert.deepEqual(lines.push(`activewindow>>a,${long}`), [])
    assert.deepEqual(lines.push(`${long}tail\nactivewindow>>b,ok\n`), ['activewindow>>b,ok'])
  })
})
