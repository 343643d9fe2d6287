import assert from 'node:assert/strict'
import {readFileSync} from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import {describe, test} from 'node:test'
import {fileURLToPath} from 'node:url'

import {
  encodeI3Message, focusedInTree, I3_EVENT, I3_MESSAGE, I3Decoder, MAX_I3_PAYLOAD, parseWindowEvent, windowOf,
} from '../../src/capture/i3-ipc.js'

const fixtures = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures')
/** Recorded from sway 1.7 (headless) with two foot windows, app ids alpha and beta; beta focused. */
const tree = JSON.parse(readFileSync(path.join(fixtures, 'sway-1.7-get-tree.json'), 'utf8')) as unknown
/** The `window` event sway 1.7 sent on `swaymsg '[app_id=beta] focus'`. */
const [focusEvent] = JSON.parse(readFileSync(path.join(fixtures, 'sway-1.7-window-focus-event.json'), 'utf8')) as unknown[]

describe('i3 IPC framing', () => {
  test('a message is "i3-ipc", length and type in native byte order, then the payload', () => {
    const bytes = encodeI3Message(I3_MESSAGE.subscribe, '["window"]')
    assert.equal(bytes.subarray(0, 6).toString('ascii'), 'i3-ipc')
    const le = os.endianness() === 'LE'
    assert.equal(le ? bytes.readUInt32LE(6) : bytes.readUInt32BE(6), 10)
    assert.equal(le ? bytes.readUInt32LE(10) : bytes.readUInt32BE(10), 2)
    assert.equal(bytes.subarray(14).toString(), '["window"]')
    assert.equal(encodeI3Message(I3_MESSAGE.getTree).length, 14)
  })

  test('messages split anywhere across chunks (one byte at a time) come out whole and in order', () => {
    const stream = Buffer.concat([
      encodeI3Message(I3_MESSAGE.subscribe, '{"success":true}'),
      encodeI3Message(I3_EVENT.window, JSON.stringify(focusEvent)),
      encodeI3Message(I3_MESSAGE.getTree, 'ünïcode'),
    ])
    const decoder = new I3Decoder()
    const messages = []
    for (let i = 0; i < stream.length; i++) messages.push(...decoder.push(stream.subarray(i, i + 1)))
    assert.deepEqual(messages.map(message => message.type), [2, 0x80_00_00_03, 4])
    assert.equal(messages[2].payload, 'ünïcode')
    assert.deepEqual(JSON.parse(messages[1].payload), focusEvent)
  })

  test('a stream that is not i3 IPC, or announces more than the limit, throws instead of buffering', () => {
    assert.throws(() => new I3Decoder().push(Buffer.from('HTTP/1.1 200 OK\r\n\r\n')), /bad magic/)
    const huge = encodeI3Message(I3_EVENT.window)
    if (os.endianness() === 'LE') huge.writeUInt32LE(MAX_I3_PAYLOAD + 1, 6)
    else huge.writeUInt32BE(MAX_I3_PAYLOAD + 1, 6)
    assert.throws(() => new I3Decoder().push(huge), /over the 16777216-byte limit/)
  })
})

describe('focused window from sway trees and events', () => {
  test('GET_TREE: the focused foot window, by app_id, with its title', () => {
    assert.deepEqual(focusedInTree(tree), {
      id: 6, app: 'beta', instance: null, title: 'title-beta',
    })
  })

  test('a focused empty workspace, or no focused node at all, is no window', () => {
    assert.equal(focusedInTree({
      type: 'root', nodes: [{
        type: 'workspace', focused: true, name: '2', nodes: [],
      }],
    }), null)
    assert.equal(focusedInTree({type: 'root', nodes: []}), null)
    assert.equal(focusedInTree('garbage'), null)
  })

  test('floating windows count, and XWayland windows are named by their X class', () => {
    const xwayland = {
      id: 9, type: 'floating_con', focused: true, name: 'KeePassXC', app_id: null, shell: 'xwayland',
      window_properties: {class: 'KeePassXC', instance: 'keepassxc', title: 'KeePassXC'},
    }
    assert.deepEqual(focusedInTree({type: 'root', nodes: [{type: 'workspace', nodes: [], floating_nodes: [xwayland]}]}), {
      id: 9, app: 'KeePassXC', instance: 'keepassxc', title: 'KeePassXC',
    })
  })

  test('a split container (no app_id, no window_properties) is not a window', () => {
    assert.equal(windowOf({
      id: 7, type: 'con', layout: 'splitv', nodes: [],
    }), null)
  })

  test('window events: focus, title, close, and the rest ignored', () => {
    assert.deepEqual(parseWindowEvent(focusEvent), {
      kind: 'focus', window: {
        id: 6, app: 'beta', instance: null, title: 'title-beta',
      },
    })
    assert.deepEqual(parseWindowEvent({
      change: 'title', container: {
        id: 6, type: 'con', app_id: 'beta', name: 'new',
      },
    }), {
      kind: 'title', window: {
        id: 6, app: 'beta', instance: null, title: 'new',
      },
    })
    assert.deepEqual(parseWindowEvent({change: 'close', container: {id: 6}}), {kind: 'closed', id: 6})
    assert.deepEqual(parseWindowEvent({change: 'move', container: {id: 6}}), {kind: 'other'})
    assert.deepEqual(parseWindowEvent(null), {kind: 'other'})
    assert.deepEqual(parseWindowEvent({change: 'focus', container: 42}), {kind: 'focus', window: null})
  })
})
