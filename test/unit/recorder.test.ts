import assert from 'node:assert/strict'
import {describe, it} from 'node:test'

import type {RawInput} from '../../src/capture/normalise.js'

import {Recorder, type RecorderOptions} from '../../src/capture/recorder.js'
import {UiohookKey} from './uiohook-keys.js'

/** Milliseconds → the microsecond timestamps the recorder takes. */
const us = (ms: number): number => ms * 1000
const T0 = 1_700_000_000_000 // ms

const key: RawInput = {type: 4, keycode: UiohookKey.A}
/** Presses of different keys (A, S, D …): presses of one key never released would be auto-repeat. */
let keyIndex = 0
const nextKey = (): RawInput => ({type: 4, keycode: 30 + (keyIndex++ % 10)})
const click: RawInput = {
  type: 7, x: 50, y: 60, button: 1,
}
const move = (x: number): RawInput => ({type: 9, x, y: 0})

function recorder(options: Partial<RecorderOptions> = {}): Recorder {
  return new Recorder({
    level: 'standard', mouseHz: 0, queueCapacity: 100, ...options,
  })
}

/** [kind, ms] of each drained event, for compact assertions. */
function summary(rec: Recorder): Array<[string, number]> {
  return rec.drain().map(event => [event.kind, event.tsMicros / 1000])
}

describe('Recorder', () => {
  it('normalises events at its level and drains them in order', () => {
    const rec = recorder({level: 'full'})
    assert.equal(rec.level, 'full')
    rec.handle(key, us(T0))
    rec.handle(click, us(T0 + 1))
    const events = rec.drain()
    assert.equal(events.length, 2)
    assert.deepEqual(
      events.map(event => [event.kind, event.tsMicros, event.keyCode, event.keyClass, event.x, event.button]),
      [
        ['key_down', us(T0), UiohookKey.A, 'letter', null, null],
        ['mouse_down', us(T0 + 1), null, null, 50, 1],
      ],
    )
    assert.deepEqual(rec.drain(), [])
  })

  it('applies the level: minimal keeps no key class', () => {
    const rec = recorder({level: 'minimal'})
    rec.handle(key, us(T0))
    const [event] = rec.drain()
    assert.equal(event.kind, 'key_down')
    assert.equal(event.keyClass, null)
    assert.equal(event.keyCode, null)
  })

  it('drops clicked (6) events without counting them', () => {
    const rec = recorder()
    rec.handle({
      type: 6, x: 1, y: 1, button: 1,
    }, us(T0))
    assert.deepEqual(rec.drain(), [])
    assert.equal(rec.dropped, 0)
    assert.equal(rec.ignored, 0)
  })

  it('samples mouse moves at mouseHz', () => {
    const rec = recorder({mouseHz: 10})
    for (let t = 0; t < 300; t += 20) rec.handle(move(t), us(T0 + t))
    // Kept: 0, 100, 200; 280 is held back and released by drain.
    assert.deepEqual(summary(rec), [
      ['mouse_move', T0],
      ['mouse_move', T0 + 100],
      ['mouse_move', T0 + 200],
      ['mouse_move', T0 + 280],
    ])
  })

  it('releases a held-back move before the next other event', () => {
    const rec = recorder({mouseHz: 10})
    rec.handle(move(1), us(T0))
    rec.handle(move(2), us(T0 + 10))
    rec.handle(move(3), us(T0 + 20))
    rec.handle(click, us(T0 + 30))
    const events = rec.drain()
    assert.deepEqual(
      events.map(event => [event.kind, event.x, event.tsMicros / 1000]),
      [
        ['mouse_move', 1, T0],
        ['mouse_move', 3, T0 + 20],
        ['mouse_down', 50, T0 + 30],
      ],
    )
  })

  it('drain releases the held-back move exactly once', () => {
    const rec = recorder({mouseHz: 10})
    rec.handle(move(1), us(T0))
    rec.handle(move(2), us(T0 + 10))
    assert.deepEqual(summary(rec), [
      ['mouse_move', T0],
      ['mouse_move', T0 + 10],
    ])
    assert.deepEqual(rec.drain(), [])
  })

  it('counts events dropped when the queue is full', () => {
    const rec = recorder({queueCapacity: 2})
    for (let i = 0; i < 5; i++) rec.handle(nextKey(), us(T0 + i))
    assert.equal(rec.dropped, 3)
    assert.deepEqual(summary(rec), [
      ['key_down', T0],
      ['key_down', T0 + 1],
    ])
    rec.handle(nextKey(), us(T0 + 10))
    assert.equal(rec.drain().length, 1)
    assert.equal(rec.dropped, 3)
  })

  it('records nothing while paused until resumed, and counts what it ignored', () => {
    const rec = recorder()
    rec.handle(nextKey(), us(T0))
    rec.pause()
    assert.equal(rec.isPaused(T0 + 1), true)
    assert.equal(rec.isPaused(T0 + 1_000_000_000), true)
    rec.handle(nextKey(), us(T0 + 1))
    rec.handle(click, us(T0 + 2))
    rec.handle(move(9), us(T0 + 3))
    rec.handle({type: 6}, us(T0 + 4))
    assert.equal(rec.ignored, 4)
    rec.resume()
    assert.equal(rec.isPaused(T0 + 5), false)
    rec.handle(nextKey(), us(T0 + 5))
    assert.deepEqual(summary(rec), [
      ['key_down', T0],
      ['key_down', T0 + 5],
    ])
    assert.equal(rec.ignored, 4)
    assert.equal(rec.dropped, 0)
  })

  it('a timed pause resumes by itself at its end time', () => {
    const rec = recorder()
    rec.pause(T0 + 1000)
    assert.equal(rec.isPaused(T0), true)
    assert.equal(rec.isPaused(T0 + 999), true)
    rec.handle(nextKey(), us(T0 + 500))
    rec.handle(nextKey(), us(T0 + 999))
    rec.handle(nextKey(), us(T0 + 1000))
    rec.handle(nextKey(), us(T0 + 1500))
    assert.equal(rec.ignored, 2)
    assert.deepEqual(summary(rec), [
      ['key_down', T0 + 1000],
      ['key_down', T0 + 1500],
    ])
    assert.equal(rec.isPaused(T0 + 1001), false)
  })

  it('a timed pause that has ended stays ended (no re-pausing for earlier timestamps)', () => {
    const rec = recorder()
    rec.pause(T0 + 100)
    assert.equal(rec.isPaused(T0 + 100), false)
    assert.equal(rec.isPaused(T0 + 50), false)
  })

  it('resume ends a timed pause early', () => {
    const rec = recorder()
    rec.pause(T0 + 10_000)
    rec.resume()
    assert.equal(rec.isPaused(T0), false)
    rec.handle(key, us(T0))
    assert.equal(rec.drain().length, 1)
    assert.equal(rec.ignored, 0)
  })

  it('a later pause() replaces the earlier one', () => {
    const rec = recorder()
    rec.pause()
    rec.pause(T0 + 100)
    assert.equal(rec.isPaused(T0 + 50), true)
    assert.equal(rec.isPaused(T0 + 100), false)

    rec.pause(T0 + 100)
    rec.pause()
    assert.equal(rec.isPaused(T0 + 1_000_000), true)
  })

  it('pausing releases the held-back move, so it is kept', () => {
    const rec = recorder({mouseHz: 10})
    rec.handle(move(1), us(T0))
    rec.handle(move(2), us(T0 + 10))
    rec.pause()
    rec.handle(move(3), us(T0 + 20))
    assert.equal(rec.ignored, 1)
    assert.deepEqual(
      rec.drain().map(event => event.x),
      [1, 2],
    )
  })

  it('resumesAt gives the end of a timed pause, null otherwise', () => {
    const rec = recorder()
    assert.equal(rec.resumesAt, null)
    const later = Date.now() + 3_600_000
    rec.pause(later)
    assert.equal(rec.resumesAt, later)
    rec.pause()
    assert.equal(rec.resumesAt, null)
    rec.resume()
    assert.equal(rec.resumesAt, null)
    rec.pause(Date.now() - 3_600_000)
    assert.equal(rec.resumesAt, null)
    assert.equal(rec.isPaused(), false)
  })
})
