import assert from 'node:assert/strict'
import {describe, it} from 'node:test'

import type {RawInput} from '../../src/capture/normalise.js'

import {Recorder, type RecorderOptions} from '../../src/capture/recorder.js'
import {UiohookKey} from './uiohook-keys.js'

const down: RawInput = {type: 4, keycode: UiohookKey.A}
const up: RawInput = {type: 5, keycode: UiohookKey.A}
const move = (x: number): RawInput => ({type: 9, x, y: 0})
const T0 = 1_700_000_000_000_000 // µs

function recorder(options: Partial<RecorderOptions> = {}): Recorder {
  return new Recorder({
    level: 'standard', mouseHz: 0, queueCapacity: 100, ...options,
  })
}

describe('Recorder: app context', () => {
  it('stamps each event with the app that had focus when it arrived', () => {
    const rec = recorder()
    rec.setApp({app: 'Alpha', excluded: false})
    rec.handle(down, T0)
    rec.setApp({app: 'Beta', excluded: false})
    rec.handle(up, T0 + 1)
    rec.setApp({app: null, excluded: false})
    rec.handle(down, T0 + 2)
    assert.deepEqual(rec.drain().map(event => [event.kind, event.app]), [['key_down', 'Alpha'], ['key_up', 'Beta'], ['key_down', null]])
  })

  it('stores no app at level minimal', () => {
    const rec = recorder({level: 'minimal'})
    rec.setApp({app: 'Alpha', excluded: false})
    rec.handle(down, T0)
    assert.equal(rec.drain()[0].app, null)
  })

  it('records nothing, not even timing, while an excluded app has focus: only a count', () => {
    const rec = recorder()
    rec.setApp({app: 'Alpha', excluded: false})
    rec.handle(down, T0)
    rec.setApp({app: 'Vault', excluded: true})
    rec.handle(up, T0 + 1)
    rec.handle(down, T0 + 2)
    rec.handle(move(5), T0 + 3)
    rec.handle({type: 6, x: 1, y: 1}, T0 + 4) // "clicked" is never stored, so it is not counted either
    rec.setApp({app: 'Alpha', excluded: false})
    rec.handle(up, T0 + 5)
    assert.deepEqual(rec.drain().map(event => event.tsMicros - T0), [0, 5])
    assert.equal(rec.excluded, 3)
  })

  it('holds events while the newly focused app is being looked up, then records them as its own', () => {
    const rec = recorder()
    rec.setApp({app: 'Alpha', excluded: false})
    rec.appChanging()
    assert.equal(rec.appPending, true)
    rec.handle(down, T0)
    rec.handle(up, T0 + 1)
    assert.deepEqual(rec.drain(), [])
    rec.setApp({app: 'Beta', excluded: false})
    assert.equal(rec.appPending, false)
    assert.deepEqual(rec.drain().map(event => [event.tsMicros - T0, event.app]), [[0, 'Beta'], [1, 'Beta']])
  })

  it('drops held events when the newly focused app turns out to be excluded', () => {
    const rec = recorder()
    rec.appChanging()
    rec.handle(down, T0)
    rec.handle(up, T0 + 1)
    rec.setApp({app: 'Vault', excluded: true})
    assert.deepEqual(rec.drain(), [])
    assert.equal(rec.excluded, 2)
  })

  it('a mouse move held back by sampling belongs to the app before the focus change', () => {
    const rec = recorder({mouseHz: 10})
    rec.setApp({app: 'Alpha', excluded: false})
    rec.handle(move(1), T0)
    rec.handle(move(2), T0 + 1000) // within 100 ms: held back by the sampler
    rec.setApp({app: 'Vault', excluded: true})
    rec.handle(move(3), T0 + 200_000)
    assert.deepEqual(rec.drain().map(event => [event.x, event.app]), [[1, 'Alpha'], [2, 'Alpha']])
  })

  it('counts nothing as excluded while paused (paused input is ignored first)', () => {
    const rec = recorder()
    rec.setApp({app: 'Vault', excluded: true})
    rec.pause()
    rec.handle(down, T0)
    assert.equal(rec.excluded, 0)
    assert.equal(rec.ignored, 1)
  })
})
