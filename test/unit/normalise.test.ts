import assert from 'node:assert/strict'
import {describe, it} from 'node:test'

import type {CapturedEvent} from '../../src/capture/event.js'

import {kindOf, normalise, type RawInput} from '../../src/capture/normalise.js'
import {UiohookKey} from './uiohook-keys.js'

const TS = 1_700_000_000_123_456

const EMPTY: Omit<CapturedEvent, 'kind' | 'tsMicros'> = {
  keyCode: null,
  keyClass: null,
  x: null,
  y: null,
  button: null,
  wheelAmount: null,
  wheelDirection: null,
  modifiers: null,
  app: null,
  holdMs: null,
}

const keyDown: RawInput = {
  type: 4, keycode: UiohookKey.A, ctrlKey: true, altKey: false, shiftKey: true, metaKey: false,
}
const keyUp: RawInput = {
  type: 5, keycode: UiohookKey.Backspace, ctrlKey: false, altKey: false, shiftKey: false, metaKey: false,
}
const mouseDown: RawInput = {
  type: 7, x: 10, y: 20, button: 1, altKey: true,
}
const mouseUp: RawInput = {
  type: 8, x: 11, y: 21, button: 2,
}
const mouseMove: RawInput = {
  type: 9, x: 300, y: 400, button: 0,
}
const wheel: RawInput = {
  type: 11, x: 5, y: 6, amount: 3, rotation: -2, direction: 3, metaKey: true,
}

function wheelDirection(rotation: number, axis: number): unknown {
  return normalise({
    type: 11, x: 0, y: 0, rotation, direction: axis,
  }, 'standard', TS)?.wheelDirection
}

function wheelAmount(rotation: number): unknown {
  return normalise({type: 11, rotation, direction: 4}, 'standard', TS)?.wheelAmount
}

function modifiers(flags: Partial<RawInput>): unknown {
  return normalise({type: 4, keycode: UiohookKey.A, ...flags}, 'standard', TS)?.modifiers
}

describe('normalise', () => {
  describe('kindOf', () => {
    it('maps libuiohook event types to event kinds', () => {
      assert.equal(kindOf({type: 4}), 'key_down')
      assert.equal(kindOf({type: 5}), 'key_up')
      assert.equal(kindOf({type: 7}), 'mouse_down')
      assert.equal(kindOf({type: 8}), 'mouse_up')
      assert.equal(kindOf({type: 9}), 'mouse_move')
      assert.equal(kindOf({type: 10}), 'mouse_move')
      assert.equal(kindOf({type: 11}), 'wheel')
    })

    it('ignores clicked (6) and unknown types', () => {
      assert.equal(kindOf({type: 6}), undefined)
      assert.equal(kindOf({type: 0}), undefined)
      assert.equal(kindOf({type: 1}), undefined)
      assert.equal(kindOf({type: 12}), undefined)
    })
  })

  describe('normalise at minimal', () => {
    it('keeps only time and kind for every kind', () => {
      const cases: Array<[RawInput, CapturedEvent['kind']]> = [
        [keyDown, 'key_down'],
        [keyUp, 'key_up'],
        [mouseDown, 'mouse_down'],
        [mouseUp, 'mouse_up'],
        [mouseMove, 'mouse_move'],
        [wheel, 'wheel'],
      ]
      for (const [raw, kind] of cases) {
        assert.deepEqual(normalise(raw, 'minimal', TS, 'firefox'), {tsMicros: TS, kind, ...EMPTY})
      }
    })
  })

  describe('normalise at standard', () => {
    it('keeps key class and modifiers of a key press, not its code', () => {
      assert.deepEqual(normalise(keyDown, 'standard', TS, 'code'), {
        ...EMPTY,
        tsMicros: TS,
        kind: 'key_down',
        keyClass: 'letter',
        modifiers: 'ctrl+shift',
        app: 'code',
      })
      assert.deepEqual(normalise(keyUp, 'standard', TS), {
        ...EMPTY, tsMicros: TS, kind: 'key_up', keyClass: 'correction',
      })
    })

    it('keeps position, button and modifiers of mouse buttons', () => {
      assert.deepEqual(normalise(mouseDown, 'standard', TS), {
        ...EMPTY,
        tsMicros: TS,
        kind: 'mouse_down',
        x: 10,
        y: 20,
        button: 1,
        modifiers: 'alt',
      })
      assert.deepEqual(normalise(mouseUp, 'standard', TS), {
        ...EMPTY, tsMicros: TS, kind: 'mouse_up', x: 11, y: 21, button: 2,
      })
    })

    it('stores a non-numeric button as null', () => {
      const row = normalise({
        type: 7, x: 1, y: 2, button: 'left',
      }, 'standard', TS)
      assert.equal(row?.button, null)
    })

    it('keeps only the position of a move (no button)', () => {
      assert.deepEqual(normalise(mouseMove, 'standard', TS), {
        ...EMPTY, tsMicros: TS, kind: 'mouse_move', x: 300, y: 400,
      })
    })

    it('treats dragged (10) as a mouse_move', () => {
      assert.deepEqual(normalise({
        type: 10, x: 7, y: 8, button: 1, shiftKey: true,
      }, 'standard', TS), {
        ...EMPTY,
        tsMicros: TS,
        kind: 'mouse_move',
        x: 7,
        y: 8,
        modifiers: 'shift',
      })
    })

    it('keeps wheel position, amount (absolute rotation) and direction', () => {
      assert.deepEqual(normalise(wheel, 'standard', TS), {
        ...EMPTY,
        tsMicros: TS,
        kind: 'wheel',
        x: 5,
        y: 6,
        wheelAmount: 2,
        wheelDirection: 'up',
        modifiers: 'meta',
      })
    })

    it('ignores clicked (6) events', () => {
      assert.equal(normalise({
        type: 6, x: 1, y: 1, button: 1,
      }, 'standard', TS), undefined)
      assert.equal(normalise({
        type: 6, x: 1, y: 1, button: 1,
      }, 'minimal', TS), undefined)
      assert.equal(normalise({
        type: 6, x: 1, y: 1, button: 1,
      }, 'full', TS), undefined)
    })
  })

  describe('normalise at full', () => {
    it('adds the exact key code to key events', () => {
      assert.deepEqual(normalise(keyDown, 'full', TS, 'term'), {
        ...EMPTY,
        tsMicros: TS,
        kind: 'key_down',
        keyCode: UiohookKey.A,
        keyClass: 'letter',
        modifiers: 'ctrl+shift',
        app: 'term',
      })
      assert.equal(normalise(keyUp, 'full', TS)?.keyCode, 14)
    })

    it('never sets a key code on mouse events', () => {
      for (const raw of [mouseDown, mouseUp, mouseMove, wheel]) {
        assert.equal(normalise(raw, 'full', TS)?.keyCode, null)
      }

      assert.deepEqual(normalise(mouseDown, 'full', TS), normalise(mouseDown, 'standard', TS))
      assert.deepEqual(normalise(wheel, 'full', TS), normalise(wheel, 'standard', TS))
    })

    it('stores key code 0 with class other when the hook gives none', () => {
      const row = normalise({type: 4}, 'full', TS)
      assert.equal(row?.keyCode, 0)
      assert.equal(row?.keyClass, 'other')
    })
  })

  describe('wheel direction', () => {
    it('vertical (3): negative rotation is up, positive is down', () => {
      assert.equal(wheelDirection(-1, 3), 'up')
      assert.equal(wheelDirection(-3, 3), 'up')
      assert.equal(wheelDirection(1, 3), 'down')
      assert.equal(wheelDirection(4, 3), 'down')
    })

    it('horizontal (4): negative rotation is left, positive is right', () => {
      assert.equal(wheelDirection(-1, 4), 'left')
      assert.equal(wheelDirection(2, 4), 'right')
    })

    it('stores the absolute rotation as the amount', () => {
      assert.equal(wheelAmount(-5), 5)
      assert.equal(wheelAmount(5), 5)
    })
  })

  describe('modifiers', () => {
    it('joins held modifiers in ctrl+alt+shift+meta order', () => {
      assert.equal(modifiers({
        metaKey: true, shiftKey: true, altKey: true, ctrlKey: true,
      }), 'ctrl+alt+shift+meta')
      assert.equal(modifiers({metaKey: true, ctrlKey: true}), 'ctrl+meta')
      assert.equal(modifiers({shiftKey: true, altKey: true}), 'alt+shift')
      assert.equal(modifiers({metaKey: true}), 'meta')
    })

    it('is null when none is held', () => {
      assert.equal(modifiers({}), null)
      assert.equal(modifiers({
        ctrlKey: false, altKey: false, shiftKey: false, metaKey: false,
      }), null)
    })
  })
})
