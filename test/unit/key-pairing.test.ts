import assert from 'node:assert/strict'
import {describe, it} from 'node:test'

import type {RawInput} from '../../src/capture/normalise.js'

import {KeyPairing, MAX_HOLD_MS, STALE_PRESS_MS} from '../../src/capture/key-pairing.js'
import {Recorder} from '../../src/capture/recorder.js'
import {UiohookKey} from './uiohook-keys.js'

const {A} = UiohookKey
const {S} = UiohookKey

describe('KeyPairing', () => {
  it('pairs a release with its press by code: hold = release time − press time', () => {
    const pairing = new KeyPairing()
    assert.deepEqual(pairing.press({code: A, timeMs: 1000}), {kind: 'press'})
    assert.deepEqual(pairing.press({code: S, timeMs: 1050}), {kind: 'press'})
    assert.deepEqual(pairing.release({code: A, timeMs: 1093}), {kind: 'release', holdMs: 93})
    assert.deepEqual(pairing.release({code: S, timeMs: 1170.6}), {kind: 'release', holdMs: 121})
  })

  it('a release whose press was not seen has no hold', () => {
    assert.deepEqual(new KeyPairing().release({code: A, timeMs: 5}), {kind: 'release', holdMs: null})
  })

  it('presses of a held key are auto-repeat: counted, not stored; the hold spans the whole press', () => {
    const pairing = new KeyPairing()
    pairing.press({code: A, timeMs: 0})
    // X11's default: first repeat after 660 ms, then every 40 ms.
    for (let t = 660; t < 1000; t += 40) assert.deepEqual(pairing.press({code: A, timeMs: t}), {kind: 'repeat'})
    assert.equal(pairing.repeats, 9)
    assert.deepEqual(pairing.release({code: A, timeMs: 1010}), {kind: 'release', holdMs: 1010})
    assert.deepEqual(pairing.press({code: A, timeMs: 1100}), {kind: 'press'})
  })

  it('a backend that marks repeats (evdev value 2) is believed', () => {
    const pairing = new KeyPairing()
    assert.deepEqual(pairing.press({code: A, timeMs: 0, repeat: true}), {kind: 'repeat'})
  })

  it('a press long after the last one of a key never released is a new press (the release was missed)', () => {
    const pairing = new KeyPairing()
    pairing.press({code: A, timeMs: 0})
    assert.deepEqual(pairing.press({code: A, timeMs: STALE_PRESS_MS + 1}), {kind: 'press'})
    assert.deepEqual(pairing.release({code: A, timeMs: STALE_PRESS_MS + 81}), {kind: 'release', holdMs: 80})
  })

  it('no hold from a clock that went backwards or wrapped, nor past the largest plausible hold', () => {
    const pairing = new KeyPairing()
    pairing.press({code: A, timeMs: 4_294_967_000})
    assert.deepEqual(pairing.release({code: A, timeMs: 200}), {kind: 'release', holdMs: null})
    pairing.press({code: S, timeMs: 0})
    assert.deepEqual(pairing.release({code: S, timeMs: MAX_HOLD_MS + 1}), {kind: 'release', holdMs: null})
  })
})

describe('Recorder with key pairing', () => {
  const down = (time: number, keycode = A): RawInput => ({type: 4, keycode, time})
  const up = (time: number, keycode = A): RawInput => ({type: 5, keycode, time})

  it('stores hold_ms on key_up from the input system\'s times, not receipt times', () => {
    const rec = new Recorder({level: 'standard', mouseHz: 0, queueCapacity: 100})
    // Delivered in one burst (receipt 1 µs apart), stamped 87 ms apart by the X server.
    rec.handle(down(50_000), 1_000_000)
    rec.handle(up(50_087), 1_000_001)
    const [press, release] = rec.drain()
    assert.equal(press.holdMs, null)
    assert.deepEqual([release.kind, release.keyClass, release.keyCode, release.holdMs], ['key_up', 'letter', null, 87])
  })

  it('falls back to receipt time when the backend has no event time', () => {
    const rec = new Recorder({level: 'full', mouseHz: 0, queueCapacity: 100})
    rec.handle({type: 4, keycode: A}, 1_000_000)
    rec.handle({type: 5, keycode: A}, 1_120_400)
    assert.equal(rec.drain()[1].holdMs, 120)
  })

  it('a held key becomes one key_down and one key_up; repeats are counted', () => {
    const rec = new Recorder({level: 'standard', mouseHz: 0, queueCapacity: 100})
    rec.handle(down(0), 1000)
    for (let t = 660; t < 1000; t += 40) rec.handle(down(t), 2000 + t)
    rec.handle(up(1020), 5000)
    assert.deepEqual(rec.drain().map(event => [event.kind, event.holdMs]), [['key_down', null], ['key_up', 1020]])
    assert.equal(rec.repeats, 9)
  })

  it('minimal stores no hold; a key pressed before a pause and released after it is still paired', () => {
    const minimal = new Recorder({level: 'minimal', mouseHz: 0, queueCapacity: 100})
    minimal.handle(down(0), 1000)
    minimal.handle(up(90), 2000)
    assert.deepEqual(minimal.drain().map(event => event.holdMs), [null, null])

    const rec = new Recorder({level: 'standard', mouseHz: 0, queueCapacity: 100})
    rec.pause()
    rec.handle(down(0), 1000)
    rec.resume()
    rec.handle(up(140), 2000)
    assert.deepEqual(rec.drain().map(event => [event.kind, event.holdMs]), [['key_up', 140]])
  })
})
