import assert from 'node:assert/strict'
import {readFileSync} from 'node:fs'
import {createRequire} from 'node:module'
import path from 'node:path'
import {describe, it} from 'node:test'

import type {KeyClass} from '../../src/capture/event.js'

import {mappedKernelKeys, uiohookKeyOf} from '../../src/capture/evdev/kernel-keys.js'
import {keyClassOf} from '../../src/capture/key-class.js'

/**
 * The X11 backend's own mapping, read from the libuiohook source uiohook-napi ships: its
 * `evdev_scancode_table` gives, for each X keycode (the kernel's code + 8), the VC code the hook
 * delivers. Read, not copied, so an upgrade of uiohook-napi that changes it fails here.
 */
function x11Mapping(): Map<number, number> {
  const require = createRequire(import.meta.url)
  const root = path.join(path.dirname(require.resolve('uiohook-napi/package.json')), 'libuiohook')
  const header = readFileSync(path.join(root, 'include', 'uiohook.h'), 'utf8')
  const vc = new Map<string, number>()
  for (const match of header.matchAll(/^#define\s+(?<name>VC_\w+)\s+(?<expr>[^/\n]+)/gm)) {
    const expr = match.groups!.expr.trim()
    const parts = expr.split('|').map(part => part.trim())
    const value = parts.reduce((sum, part) => sum | (part.startsWith('VC_') ? vc.get(part)! : Number(part)), 0)
    if (!Number.isNaN(value)) vc.set(match.groups!.name, value)
  }

  const helper = readFileSync(path.join(root, 'src', 'x11', 'input_helper.c'), 'utf8')
  const start = helper.indexOf('evdev_scancode_table[][2]')
  const table = helper.slice(start, helper.indexOf('};', start))
  const mapping = new Map<number, number>()
  for (const match of table.matchAll(/\/\*\s*(?<index>\d+)\s*\*\/\s*\{\s*(?<name>VC_\w+)\s*,/g)) {
    const kernel = Number(match.groups!.index) - 8
    const code = vc.get(match.groups!.name)
    assert.notEqual(code, undefined, `${match.groups!.name} is defined in uiohook.h`)
    if (kernel > 0 && code !== 0) mapping.set(kernel, code!)
  }

  assert.ok(mapping.size > 100, 'the libuiohook table was found and read')
  return mapping
}

describe('uiohookKeyOf: kernel key codes → the codes the X11 hook delivers', () => {
  const x11 = x11Mapping()

  it('gives exactly the X11 backend\'s code for every kernel key code X11 can deliver (Num Lock on)', () => {
    for (let kernel = 1; kernel <= 247; kernel++) {
      assert.equal(uiohookKeyOf(kernel, true), x11.get(kernel) ?? 0, `kernel key ${kernel}`)
    }

    assert.deepEqual(mappedKernelKeys().sort((a, b) => a - b), [...x11.keys()].sort((a, b) => a - b))
  })

  it('with Num Lock off, numpad digits and the decimal key are navigation keys, as libuiohook makes them', () => {
    assert.equal(uiohookKeyOf(79, false), 0xEE_4F) // KEY_KP1 → VC_KP_END
    assert.equal(uiohookKeyOf(83, false), 0xEE_53) // KEY_KPDOT → VC_KP_DELETE
    assert.equal(keyClassOf(uiohookKeyOf(79, false)), 'navigation')
    assert.equal(keyClassOf(uiohookKeyOf(83, false)), 'correction')
    assert.equal(uiohookKeyOf(74, false), 74) // KEY_KPMINUS is not affected
    assert.equal(uiohookKeyOf(30, false), 30)
  })

  it('puts every kernel key in the key class its kind says', () => {
    const expected: Array<[KeyClass, number[]]> = [
      // KEY_Q…KEY_P, KEY_A…KEY_L, KEY_Z…KEY_M
      ['letter', [16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 30, 31, 32, 33, 34, 35, 36, 37, 38, 44, 45, 46, 47, 48, 49, 50]],
      // KEY_1…KEY_0, KEY_KP7…KEY_KP0 (Num Lock on)
      ['digit', [2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 71, 72, 73, 75, 76, 77, 79, 80, 81, 82]],
      // - = [ ] ; ' ` \ , . / and KP* KP- KP+ KP. KP/
      ['punctuation', [12, 13, 26, 27, 39, 40, 41, 43, 51, 52, 53, 55, 74, 78, 83, 98]],
      // ctrl, shift, alt, meta (left and right), caps, num and scroll lock, compose (menu)
      ['modifier', [29, 97, 42, 54, 56, 100, 125, 126, 58, 69, 70, 127]],
      // home, page up, end, page down, arrows, tab, enter, keypad enter
      ['navigation', [102, 104, 107, 109, 103, 105, 106, 108, 15, 28, 96]],
      ['correction', [14, 111]], // backspace, delete
      // esc, F1–F10, F11, F12, F13–F24, print screen, pause
      ['function', [1, 59, 60, 61, 62, 63, 64, 65, 66, 67, 68, 87, 88, 183, 184, 185, 186, 187, 188, 189, 190, 191, 192, 193, 194, 99, 119]],
      ['space', [57]],
    ]
    const classed = new Set<number>()
    for (const [keyClass, kernelCodes] of expected) {
      for (const kernel of kernelCodes) {
        assert.equal(keyClassOf(uiohookKeyOf(kernel, true)), keyClass, `kernel key ${kernel}`)
        classed.add(kernel)
      }
    }

    // Everything else X11 can deliver (media, Sun, Japanese keys; insert) is 'other' on both backends.
    for (const kernel of mappedKernelKeys()) {
      if (!classed.has(kernel)) assert.equal(keyClassOf(uiohookKeyOf(kernel, true)), 'other', `kernel key ${kernel}`)
    }
  })

  it('keys X11 has no code for (KEY_102ND, codes past the X keycode range) are 0, as on X11', () => {
    assert.equal(uiohookKeyOf(86, true), 0)
    assert.equal(uiohookKeyOf(0x2_40, true), 0)
  })
})
