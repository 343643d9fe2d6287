import assert from 'node:assert/strict'
import {describe, it} from 'node:test'

import {
  encodeInputEvent, type InputEvent, InputEventDecoder, inputEventSize,
} from '../../src/capture/evdev/input-event.js'

function decodeAll(decoder: InputEventDecoder, chunks: Buffer[]): InputEvent[] {
  const events: InputEvent[] = []
  for (const chunk of chunks) decoder.push(chunk, event => events.push(event))
  return events
}

describe('InputEventDecoder', () => {
  it('decodes the 24-byte 64-bit layout: seconds, microseconds, type, code, value', () => {
    // Written by hand, byte by byte, as the kernel lays it out (little-endian).
    const bytes = Buffer.alloc(24)
    bytes.writeUInt32LE(1_700_000_123, 0) // tv_sec, low word
    bytes.writeUInt32LE(0, 4) // tv_sec, high word
    bytes.writeUInt32LE(456_789, 8) // tv_usec
    bytes.writeUInt16LE(1, 16) // EV_KEY
    bytes.writeUInt16LE(30, 18) // KEY_A
    bytes.writeInt32LE(1, 20) // press
    assert.equal(inputEventSize(64), 24)
    assert.deepEqual(decodeAll(new InputEventDecoder(64), [bytes]), [{
      timeMs: 1_700_000_123_456.789, type: 1, code: 30, value: 1,
    }])
  })

  it('keeps negative values (relative motion left and up)', () => {
    const bytes = encodeInputEvent({
      seconds: 5, micros: 1, type: 2, code: 0, value: -7,
    }, 64)
    assert.deepEqual(decodeAll(new InputEventDecoder(64), [bytes]), [{
      timeMs: 5000.001, type: 2, code: 0, value: -7,
    }])
  })

  it('decodes seconds beyond 32 bits', () => {
    const bytes = encodeInputEvent({
      seconds: 2 ** 33 + 5, micros: 0, type: 0, code: 0, value: 0,
    }, 64)
    assert.equal(decodeAll(new InputEventDecoder(64), [bytes])[0].timeMs, (2 ** 33 + 5) * 1000)
  })

  it('joins records split across reads, in any cut', () => {
    const records = [1, 2, 3].map(n => encodeInputEvent({
      seconds: 10, micros: n, type: 1, code: 30 + n, value: n % 2,
    }, 64))
    const stream = Buffer.concat(records)
    const expected = decodeAll(new InputEventDecoder(64), [stream])
    assert.equal(expected.length, 3)
    for (let cut = 1; cut < stream.length; cut++) {
      const decoder = new InputEventDecoder(64)
      assert.deepEqual(decodeAll(decoder, [stream.subarray(0, cut), stream.subarray(cut)]), expected, `cut at ${cut}`)
      assert.equal(decoder.pendingBytes, 0)
    }

    const byteByByte = new InputEventDecoder(64)
    assert.deepEqual(decodeAll(byteByByte, [...stream].map(byte => Buffer.from([byte]))), expected)
  })

  it('holds an incomplete tail until the rest arrives, even when the caller reuses its buffer', () => {
    const decoder = new InputEventDecoder(64)
    const record = encodeInputEvent({
      seconds: 1, micros: 2, type: 1, code: 44, value: 0,
    }, 64)
    const reused = Buffer.from(record.subarray(0, 10))
    assert.deepEqual(decodeAll(decoder, [reused]), [])
    reused.fill(0xFF)
    assert.equal(decoder.pendingBytes, 10)
    assert.deepEqual(decodeAll(decoder, [record.subarray(10)]), [{
      timeMs: 1000.002, type: 1, code: 44, value: 0,
    }])
  })

  it('decodes the 16-byte layout of 32-bit machines', () => {
    const bytes = encodeInputEvent({
      seconds: 100, micros: 250_000, type: 2, code: 8, value: -1,
    }, 32)
    assert.equal(bytes.length, 16)
    assert.deepEqual(decodeAll(new InputEventDecoder(32), [bytes]), [{
      timeMs: 100_250, type: 2, code: 8, value: -1,
    }])
  })
})
