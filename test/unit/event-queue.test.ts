import assert from 'node:assert/strict'
import {describe, it} from 'node:test'

import {EventQueue} from '../../src/capture/event-queue.js'

describe('EventQueue', () => {
  it('returns queued items oldest first and empties on drain', () => {
    const queue = new EventQueue<number>(5)
    assert.equal(queue.push(1), true)
    assert.equal(queue.push(2), true)
    assert.equal(queue.length, 2)
    assert.deepEqual(queue.drain(), [1, 2])
    assert.equal(queue.length, 0)
    assert.deepEqual(queue.drain(), [])
  })

  it('drops new items beyond capacity and counts them', () => {
    const queue = new EventQueue<number>(3)
    const accepted = [1, 2, 3, 4, 5].map(n => queue.push(n))
    assert.deepEqual(accepted, [true, true, true, false, false])
    assert.equal(queue.length, 3)
    assert.equal(queue.dropped, 2)
    assert.deepEqual(queue.drain(), [1, 2, 3])
  })

  it('accepts again after a drain and keeps the drop count', () => {
    const queue = new EventQueue<string>(1)
    assert.equal(queue.push('a'), true)
    assert.equal(queue.push('b'), false)
    assert.deepEqual(queue.drain(), ['a'])
    assert.equal(queue.push('c'), true)
    assert.equal(queue.dropped, 1)
    assert.deepEqual(queue.drain(), ['c'])
  })

  it('exposes its capacity; capacity 0 drops everything', () => {
    const queue = new EventQueue<number>(0)
    assert.equal(queue.capacity, 0)
    assert.equal(queue.push(1), false)
    assert.equal(queue.dropped, 1)
    assert.deepEqual(queue.drain(), [])
  })
})
