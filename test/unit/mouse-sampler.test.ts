import assert from 'node:assert/strict'
import {describe, it} from 'node:test'

import {MouseSampler} from '../../src/capture/mouse-sampler.js'

describe('MouseSampler', () => {
  it('keeps the first move', () => {
    const sampler = new MouseSampler<string>(10)
    assert.deepEqual(sampler.offerMove('a', 0), ['a'])
  })

  it('keeps at most hz moves a second', () => {
    const sampler = new MouseSampler<number>(10) // one every 100 ms
    const kept: number[] = []
    for (let t = 0; t < 1000; t += 10) kept.push(...sampler.offerMove(t, t))
    assert.deepEqual(kept, [0, 100, 200, 300, 400, 500, 600, 700, 800, 900])
  })

  it('keeps a move exactly one interval after the last kept one, not before', () => {
    const sampler = new MouseSampler<string>(4) // 250 ms
    assert.deepEqual(sampler.offerMove('a', 1000), ['a'])
    assert.deepEqual(sampler.offerMove('b', 1249), [])
    assert.deepEqual(sampler.offerMove('c', 1250), ['c'])
  })

  it('holds back the newest skipped move until takePending', () => {
    const sampler = new MouseSampler<string>(10)
    sampler.offerMove('a', 0)
    assert.deepEqual(sampler.offerMove('b', 10), [])
    assert.deepEqual(sampler.offerMove('c', 20), [])
    assert.equal(sampler.takePending(), 'c')
    assert.equal(sampler.takePending(), undefined)
  })

  it('has nothing pending when every move was kept', () => {
    const sampler = new MouseSampler<string>(10)
    sampler.offerMove('a', 0)
    assert.equal(sampler.takePending(), undefined)
  })

  it('forgets the held-back move once a newer move is kept', () => {
    const sampler = new MouseSampler<string>(10)
    sampler.offerMove('a', 0)
    sampler.offerMove('b', 50)
    assert.deepEqual(sampler.offerMove('c', 100), ['c'])
    assert.equal(sampler.takePending(), undefined)
  })

  it('keeps every move with hz 0, even at the same instant', () => {
    const sampler = new MouseSampler<number>(0)
    const kept: number[] = []
    for (let i = 0; i < 5; i++) kept.push(...sampler.offerMove(i, 42))
    assert.deepEqual(kept, [0, 1, 2, 3, 4])
    assert.equal(sampler.takePending(), undefined)
  })
})
