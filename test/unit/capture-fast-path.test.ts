import assert from 'node:assert/strict'
import {describe, it} from 'node:test'

import {inputListener} from '../../src/capture/hook.js'
import {MouseSampler} from '../../src/capture/mouse-sampler.js'
import {normalise, type RawInput} from '../../src/capture/normalise.js'

const GROUPS = [['ctrl', 'ctrlKey'], ['alt', 'altKey'], ['shift', 'shiftKey'], ['meta', 'metaKey']] as const

describe('capture fast path', () => {
  it('names every combination of held modifiers in ctrl+alt+shift+meta order', () => {
    for (let bits = 0; bits < 16; bits++) {
      const raw: RawInput = {type: 4, keycode: 30}
      const expected: string[] = []
      for (const [bit, [name, flag]] of GROUPS.entries()) {
        raw[flag] = (bits & (1 << bit)) !== 0
        if (raw[flag]) expected.push(name)
      }

      assert.equal(normalise(raw, 'standard', 1)?.modifiers, expected.length > 0 ? expected.join('+') : null, `bits ${bits}`)
    }
  })

  it('treats absent modifier flags (evdev leaves them out) as not held', () => {
    assert.equal(normalise({type: 9, x: 1, y: 2}, 'standard', 1)?.modifiers, null)
  })

  describe('MouseSampler.admit', () => {
    it('keeps a move when the interval has passed and holds back the rest, like offerMove', () => {
      const sampler = new MouseSampler<string>(10)
      assert.equal(sampler.admit('a', 0), true)
      assert.equal(sampler.admit('b', 50), false)
      assert.equal(sampler.admit('c', 99), false)
      assert.equal(sampler.admit('d', 100), true)
      assert.equal(sampler.takePending(), undefined)
      assert.equal(sampler.admit('e', 150), false)
      assert.equal(sampler.takePending(), 'e')
    })

    it('keeps every move with hz 0', () => {
      const sampler = new MouseSampler<number>(0)
      for (let i = 0; i < 5; i++) assert.equal(sampler.admit(i, 42), true)
      assert.equal(sampler.takePending(), undefined)
    })
  })

  describe('inputListener', () => {
    it('hands on the event it was given, with strictly increasing wall-clock stamps', () => {
      const seen: Array<{raw: RawInput; ts: number}> = []
      const listener = inputListener((raw, ts) => seen.push({raw, ts}), error => assert.fail(String(error)))
      const events: RawInput[] = [{
        type: 9, x: 1, y: 1, time: 5,
      }, {
        type: 9, x: 2, y: 1, time: 6,
      }, {type: 4, keycode: 30, time: 7}]
      const before = Date.now() * 1000
      for (const event of events) listener(event)
      const after = (Date.now() + 1) * 1000
      assert.equal(seen.length, 3)
      for (const [i, {raw, ts}] of seen.entries()) {
        assert.equal(raw, events[i])
        assert.ok(ts >= before && ts <= after, `stamp ${ts} within [${before}, ${after}]`)
        if (i > 0) assert.ok(ts > seen[i - 1].ts)
      }

      // On Linux the hook's `time` is the X server's ms clock and is kept for hold times.
      if (process.platform === 'linux') assert.deepEqual(seen.map(({raw}) => raw.time), [5, 6, 7])
    })

    it('reports what the recorder throws instead of letting it reach the native callback', () => {
      const errors: unknown[] = []
      const listener = inputListener(() => {
        throw new Error('boom')
      }, error => {
        errors.push(error)
        throw new Error('the error handler fails too')
      })
      assert.doesNotThrow(() => listener({type: 9, x: 0, y: 0}))
      assert.equal(errors.length, 1)
      assert.match(String(errors[0]), /boom/)
    })
  })
})
