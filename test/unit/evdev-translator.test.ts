import assert from 'node:assert/strict'
import {describe, it} from 'node:test'

import type {RawInput} from '../../src/capture/normalise.js'

import {DeviceTranslator} from '../../src/capture/evdev/device-translator.js'
import {parseDevices} from '../../src/capture/evdev/devices-file.js'
import {
  ABS_X, ABS_Y, BTN_LEFT, BTN_RIGHT, BTN_SIDE, BTN_TOOL_DOUBLETAP, BTN_TOOL_FINGER, BTN_TOUCH, EV_ABS, EV_KEY, EV_LED, EV_REL, EV_SYN,
  LED_NUML, REL_HWHEEL, REL_HWHEEL_HI_RES, REL_WHEEL, REL_WHEEL_HI_RES, REL_X, REL_Y, SYN_DROPPED, SYN_REPORT,
} from '../../src/capture/evdev/event-codes.js'
import {Seat} from '../../src/capture/evdev/seat.js'
import {Recorder} from '../../src/capture/recorder.js'
import {keyboardBlock, mouseBlock} from '../helpers/evdev-feed.js'

const KEY_A = 30
const KEY_LEFTSHIFT = 42
const KEY_KP1 = 79
const T0 = 1_700_000_000_000

const touchpadBlock = (event: string): string => [
  'N: Name="ELAN Touchpad"',
  `H: Handlers=mouse0 ${event}`,
  'B: PROP=5',
  'B: EV=1b',
  'B: KEY=e520 10000 0 0 0 0',
  'B: ABS=2e0800000000003',
].join('\n')

/** A translator for one device block, and everything it emitted. */
function translator(block: string, seat = new Seat()): {emitted: RawInput[]; feed: (...frames: Array<Array<[number, number, number]>>) => void; seat: Seat; device: DeviceTranslator} {
  const [info] = parseDevices(`${block}\n`, 64)
  const emitted: RawInput[] = []
  const device = new DeviceTranslator(info, seat, raw => emitted.push(raw))
  let ms = T0
  return {
    emitted,
    seat,
    device,
    /** Each frame is its events then a SYN_REPORT, 10 ms after the previous frame. */
    feed(...frames) {
      for (const frame of frames) {
        ms += 10
        for (const [type, code, value] of frame) device.handle({
          timeMs: ms, type, code, value,
        })
        device.handle({
          timeMs: ms, type: EV_SYN, code: SYN_REPORT, value: 0,
        })
      }
    },
  }
}

const NO_MODIFIERS = {
  altKey: false, ctrlKey: false, metaKey: false, shiftKey: false,
}

describe('DeviceTranslator: keys', () => {
  it('press and release become uiohook key events with the kernel\'s time', () => {
    const {emitted, feed} = translator(keyboardBlock('event3'))
    feed([[EV_KEY, KEY_A, 1]], [[EV_KEY, KEY_A, 0]])
    assert.deepEqual(emitted, [
      {
        type: 4, keycode: 30, time: T0 + 10, ...NO_MODIFIERS,
      },
      {
        type: 5, keycode: 30, time: T0 + 20, ...NO_MODIFIERS,
      },
    ])
  })

  it('auto-repeat is handed on as a press marked repeat: the Recorder drops and counts it, and stores the whole hold', () => {
    const {emitted, feed} = translator(keyboardBlock('event3'))
    feed([[EV_KEY, KEY_A, 1]], [[EV_KEY, KEY_A, 2]], [[EV_KEY, KEY_A, 2]], [[EV_KEY, KEY_A, 0]])
    assert.deepEqual(emitted.map(raw => [raw.type, raw.repeat ?? false]), [[4, false], [4, true], [4, true], [5, false]])
    const recorder = new Recorder({level: 'standard', mouseHz: 0, queueCapacity: 100})
    for (const [index, raw] of emitted.entries()) recorder.handle(raw, 1000 + index)
    const rows = recorder.drain()
    assert.deepEqual(rows.map(row => [row.kind, row.keyClass, row.holdMs]), [['key_down', 'letter', null], ['key_up', 'letter', 30]])
    assert.equal(recorder.repeats, 2)
  })

  it('tracks modifiers as libuiohook does: set on the modifier\'s own press, cleared on its own release', () => {
    const {emitted, feed} = translator(keyboardBlock('event3'))
    feed([[EV_KEY, KEY_LEFTSHIFT, 1]], [[EV_KEY, KEY_A, 1]], [[EV_KEY, KEY_A, 0]], [[EV_KEY, KEY_LEFTSHIFT, 0]], [[EV_KEY, KEY_A, 1]])
    assert.deepEqual(emitted.map(raw => [raw.keycode, raw.type, raw.shiftKey]), [[42, 4, true], [30, 4, true], [30, 5, true], [42, 5, false], [30, 4, false]])
  })

  it('modifiers held on one keyboard apply to another device\'s events', () => {
    const seat = new Seat()
    const keyboard = translator(keyboardBlock('event3'), seat)
    const mouse = translator(mouseBlock('event4', {hiRes: false}), seat)
    keyboard.feed([[EV_KEY, 29, 1]]) // left ctrl
    mouse.feed([[EV_KEY, BTN_LEFT, 1]])
    assert.equal(mouse.emitted[0].ctrlKey, true)
  })

  it('Num Lock, as the keyboard\'s LED reports it, turns numpad digits into navigation keys', () => {
    const {emitted, feed} = translator(keyboardBlock('event3'))
    feed([[EV_KEY, KEY_KP1, 1]], [[EV_LED, LED_NUML, 0]], [[EV_KEY, KEY_KP1, 0]], [[EV_KEY, KEY_KP1, 1]])
    assert.deepEqual(emitted.map(raw => raw.keycode), [79, 0xEE_4F, 0xEE_4F])
  })
})

describe('DeviceTranslator: pointer', () => {
  it('sums relative motion per frame into one move of the integrated position', () => {
    const {emitted, feed} = translator(mouseBlock('event4', {hiRes: false}))
    feed([[EV_REL, REL_X, 3], [EV_REL, REL_X, 2], [EV_REL, REL_Y, -4]], [[EV_REL, REL_Y, 1]], [])
    assert.deepEqual(emitted.map(raw => [raw.type, raw.x, raw.y, raw.time]), [[9, 5, -4, T0 + 10], [9, 5, -3, T0 + 20]])
  })

  it('two mice move one pointer', () => {
    const seat = new Seat()
    translator(mouseBlock('event4', {hiRes: false}), seat).feed([[EV_REL, REL_X, 10]])
    const second = translator(mouseBlock('event5', {hiRes: false}), seat)
    second.feed([[EV_REL, REL_Y, 7]])
    assert.deepEqual([second.emitted[0].x, second.emitted[0].y], [10, 7])
  })

  it('buttons: press, release, then a click when the pointer stayed; a drag gives dragged moves and no click', () => {
    const {emitted, feed} = translator(mouseBlock('event4', {hiRes: false}))
    feed([[EV_KEY, BTN_LEFT, 1]], [[EV_KEY, BTN_LEFT, 0]], [[EV_KEY, BTN_RIGHT, 1]], [[EV_REL, REL_X, 4]], [[EV_KEY, BTN_RIGHT, 0]], [[EV_KEY, BTN_SIDE, 1]], [[EV_KEY, BTN_SIDE, 0]])
    assert.deepEqual(emitted.map(raw => [raw.type, raw.button ?? null, raw.x]), [
      [7, 1, 0],
      [8, 1, 0],
      [6, 1, 0],
      [7, 2, 0],
      [10, null, 4],
      [8, 2, 4],
      [7, 4, 4],
      [8, 4, 4],
      [6, 4, 4],
    ])
  })

  it('a motion and a press in one frame: the move comes first, so the press is at the new position', () => {
    const {emitted, feed} = translator(mouseBlock('event4', {hiRes: false}))
    feed([[EV_KEY, BTN_LEFT, 1], [EV_REL, REL_X, 9]])
    assert.deepEqual(emitted.map(raw => [raw.type, raw.x]), [[9, 9], [7, 9]])
  })

  it('a plain wheel: one event per notch, kernel up is uiohook rotation -1', () => {
    const {emitted, feed} = translator(mouseBlock('event4', {hiRes: false}))
    feed([[EV_REL, REL_WHEEL, 1]], [[EV_REL, REL_WHEEL, -2]], [[EV_REL, REL_HWHEEL, 1]], [[EV_REL, REL_HWHEEL, -1]])
    assert.deepEqual(emitted.map(raw => [raw.type, raw.direction, raw.rotation, raw.amount]), [
      [11, 3, -1, 3], [11, 3, 1, 3], [11, 3, 1, 3], [11, 4, 1, 3], [11, 4, -1, 3],
    ])
  })

  it('a hi-res wheel is read from its 120-per-notch values alone, never counted twice; partial notches add up', () => {
    const {emitted, feed} = translator(mouseBlock('event4', {hiRes: true}))
    feed(
      [[EV_REL, REL_WHEEL, 1], [EV_REL, REL_WHEEL_HI_RES, 120]], // one notch, reported both ways
      [[EV_REL, REL_WHEEL_HI_RES, 60]], // half a notch: nothing yet
      [[EV_REL, REL_WHEEL_HI_RES, 60], [EV_REL, REL_WHEEL, 1]], // the other half: one notch
      [[EV_REL, REL_WHEEL_HI_RES, 90]],
      [[EV_REL, REL_WHEEL_HI_RES, -60]], // turned back: the 90 are forgotten, 60 down pending
      [[EV_REL, REL_WHEEL_HI_RES, -60], [EV_REL, REL_WHEEL, -1]], // one notch down
      [[EV_REL, REL_HWHEEL_HI_RES, 240], [EV_REL, REL_HWHEEL, 2]], // two notches right
    )
    assert.deepEqual(emitted.map(raw => [raw.direction, raw.rotation]), [[3, -1], [3, -1], [3, 1], [4, 1], [4, 1]])
  })
})

describe('DeviceTranslator: hi-res wheel over many notches', () => {
  it('120 notches reported both ways are 120 events, not one more', () => {
    const {emitted, feed} = translator(mouseBlock('event4', {hiRes: true}))
    feed(...Array.from({length: 120}, (): Array<[number, number, number]> => [[EV_REL, REL_WHEEL_HI_RES, -120], [EV_REL, REL_WHEEL, -1]]))
    assert.equal(emitted.length, 120)
    assert.ok(emitted.every(raw => raw.rotation === 1 && raw.direction === 3))
  })
})

describe('DeviceTranslator: touchpad', () => {
  it('absolute positions become relative motion while one finger touches; a new touch does not jump', () => {
    const {emitted, feed} = translator(touchpadBlock('event8'))
    feed(
      [[EV_KEY, BTN_TOUCH, 1], [EV_KEY, BTN_TOOL_FINGER, 1], [EV_ABS, ABS_X, 100], [EV_ABS, ABS_Y, 100]],
      [[EV_ABS, ABS_X, 110], [EV_ABS, ABS_Y, 95]],
      [[EV_ABS, ABS_X, 112]],
      [[EV_KEY, BTN_TOUCH, 0], [EV_KEY, BTN_TOOL_FINGER, 0]],
      [[EV_KEY, BTN_TOUCH, 1], [EV_KEY, BTN_TOOL_FINGER, 1], [EV_ABS, ABS_X, 900], [EV_ABS, ABS_Y, 900]],
      [[EV_ABS, ABS_X, 901]],
      [[EV_KEY, BTN_TOOL_DOUBLETAP, 1], [EV_ABS, ABS_Y, 700]], // two fingers: scrolling, not pointing
      [[EV_ABS, ABS_Y, 600]],
    )
    assert.deepEqual(emitted.map(raw => [raw.type, raw.x, raw.y]), [[9, 10, -5], [9, 12, -5], [9, 13, -5]])
  })

  it('the touch itself is not a key; the clickpad\'s button is a click', () => {
    const {emitted, feed} = translator(touchpadBlock('event8'))
    feed([[EV_KEY, BTN_TOUCH, 1], [EV_KEY, BTN_LEFT, 1]], [[EV_KEY, BTN_LEFT, 0], [EV_KEY, BTN_TOUCH, 0]])
    assert.deepEqual(emitted.map(raw => raw.type), [7, 8, 6])
  })
})

describe('DeviceTranslator: SYN_DROPPED', () => {
  it('drops everything up to the next SYN_REPORT, counts the loss, and leaves no modifier stuck', () => {
    const {device, emitted, feed} = translator(keyboardBlock('event3'))
    feed([[EV_KEY, KEY_LEFTSHIFT, 1]])
    device.handle({
      timeMs: T0 + 15, type: EV_KEY, code: KEY_A, value: 1,
    })
    device.handle({
      timeMs: T0 + 15, type: EV_SYN, code: SYN_DROPPED, value: 0,
    })
    // The rest of the broken frame, whatever the kernel kept of it: not trusted.
    device.handle({
      timeMs: T0 + 16, type: EV_KEY, code: KEY_LEFTSHIFT, value: 0,
    })
    device.handle({
      timeMs: T0 + 16, type: EV_SYN, code: SYN_REPORT, value: 0,
    })
    feed([[EV_KEY, KEY_A, 1]])
    assert.equal(device.framesLost, 1)
    assert.deepEqual(emitted.map(raw => [raw.keycode, raw.type, raw.shiftKey]), [[42, 4, true], [30, 4, false]])
  })
})
