import assert from 'node:assert/strict'
import {describe, it} from 'node:test'

import {encode, LineSplitter, MAX_LINE_BYTES} from '../../src/ipc/protocol.js'

describe('ipc protocol', () => {
  describe('LineSplitter', () => {
    it('splits one chunk into complete lines', () => {
      const splitter = new LineSplitter()
      assert.deepEqual(splitter.push('{"id":1}\n{"id":2}\n'), ['{"id":1}', '{"id":2}'])
    })

    it('keeps a partial line until the rest arrives', () => {
      const splitter = new LineSplitter()
      assert.deepEqual(splitter.push('{"id":'), [])
      assert.deepEqual(splitter.push('1,"method"'), [])
      assert.deepEqual(splitter.push(':"status"}\n{"id"'), ['{"id":1,"method":"status"}'])
      assert.deepEqual(splitter.push(':2}\n'), ['{"id":2}'])
      assert.deepEqual(splitter.push(''), [])
    })

    it('handles a newline arriving as its own chunk', () => {
      const splitter = new LineSplitter()
      assert.deepEqual(splitter.push('abc'), [])
      assert.deepEqual(splitter.push('\n'), ['abc'])
    })

    it('drops empty lines', () => {
      const splitter = new LineSplitter()
      assert.deepEqual(splitter.push('\n\na\n\n\nb\n'), ['a', 'b'])
    })

    it('throws when a partial line grows past the limit, then starts afresh', () => {
      const splitter = new LineSplitter(10)
      assert.deepEqual(splitter.push('12345'), [])
      assert.deepEqual(splitter.push('67890'), [])
      assert.throws(() => splitter.push('x'), {message: 'protocol line longer than 10 bytes'})
      assert.deepEqual(splitter.push('ok\n'), ['ok'])
    })

    it('accepts a line of exactly the limit', () => {
      const splitter = new LineSplitter(10)
      assert.deepEqual(splitter.push('1234567890'), [])
      assert.deepEqual(splitter.push('\n'), ['1234567890'])
    })

    it('throws for an over-long line even when it arrives complete in one chunk', () => {
      const splitter = new LineSplitter(10)
      assert.throws(() => splitter.push('12345678901\n'), {message: 'protocol line longer than 10 bytes'})
      assert.deepEqual(splitter.push('next\n'), ['next'])
    })

    it('defaults to a 1 MiB limit', () => {
      assert.equal(MAX_LINE_BYTES, 1_048_576)
      const splitter = new LineSplitter()
      assert.deepEqual(splitter.push('x'.repeat(MAX_LINE_BYTES)), [])
      assert.throws(() => splitter.push('x'), {message: `protocol line longer than ${MAX_LINE_BYTES} bytes`})
    })

    it('has no limit when given Infinity', () => {
      const splitter = new LineSplitter(Number.POSITIVE_INFINITY)
      const long = 'y'.repeat(MAX_LINE_BYTES + 10)
      assert.deepEqual(splitter.push(long), [])
      assert.deepEqual(splitter.push('\n'), [long])
    })
  })

  describe('encode', () => {
    it('writes one JSON object per line, and splits back to the same message', () => {
      const line = encode({id: 7, method: 'pause', params: {for_ms: 60_000}})
      assert.equal(line, '{"id":7,"method":"pause","params":{"for_ms":60000}}\n')
      const splitter = new LineSplitter()
      assert.deepEqual(splitter.push(line + encode({id: 7, type: 'result', result: {paused: true}})).map(text => JSON.parse(text)), [
        {id: 7, method: 'pause', params: {for_ms: 60_000}},
        {id: 7, type: 'result', result: {paused: true}},
      ])
    })

    it('escapes newlines inside strings so a message stays on one line', () => {
      const line = encode({id: 1, type: 'error', error: {message: 'a\nb'}})
      assert.equal(line.indexOf('\n'), line.length - 1)
      assert.deepEqual(new LineSplitter().push(line), [String.raw`{"id":1,"type":"error","error":{"message":"a\nb"}}`])
    })
  })
})
