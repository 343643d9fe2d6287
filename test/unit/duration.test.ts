import assert from 'node:assert/strict'
import {describe, it} from 'node:test'

import {formatDuration, parseDuration, parseTimeout} from '../../src/core/duration.js'
import {UsageError} from '../../src/core/errors.js'

function assertRefused(text: string, flag = '--for'): void {
  assert.throws(
    () => parseDuration(text, flag),
    (error: unknown) => {
      assert.ok(error instanceof UsageError, `"${text}": expected a UsageError, got ${String(error)}`)
      assert.equal(error.exitCode, 2)
      assert.equal(error.message, `${flag} "${text}" is not a duration.`)
      assert.equal(error.suggestion, 'Use a number with a unit, like 30s, 10m, 2h or 1d.')
      return true
    },
  )
}

describe('duration', () => {
  describe('parseDuration', () => {
    it('reads seconds, minutes, hours and days', () => {
      assert.equal(parseDuration('30s', '--for'), 30_000)
      assert.equal(parseDuration('90s', '--for'), 90_000)
      assert.equal(parseDuration('10m', '--for'), 600_000)
      assert.equal(parseDuration('2h', '--for'), 7_200_000)
      assert.equal(parseDuration('1d', '--for'), 86_400_000)
    })

    it('accepts surrounding spaces, long unit names and fractions', () => {
      assert.equal(parseDuration(' 5m ', '--for'), 300_000)
      assert.equal(parseDuration('10 minutes', '--for'), 600_000)
      assert.equal(parseDuration('1.5h', '--for'), 5_400_000)
    })

    it('refuses a bare number (it has no unit)', () => {
      assertRefused('30')
      assertRefused('1.5')
      assertRefused(' 10 ')
    })

    it('refuses zero and negative durations', () => {
      assertRefused('0s')
      assertRefused('0m')
      assertRefused('-5m')
    })

    it('refuses text that is not a duration', () => {
      assertRefused('soon')
      assertRefused('10 parsecs')
      assertRefused('m')
    })

    it('refuses an empty value as a usage error', () => {
      assertRefused('')
      assertRefused('   ')
    })

    it('names the flag it was given', () => {
      assertRefused('later', '--until')
    })
  })

  describe('formatDuration', () => {
    it('prints long units, never negative', () => {
      assert.equal(formatDuration(600_000), '10 minutes')
      assert.equal(formatDuration(7_200_000), '2 hours')
      assert.equal(formatDuration(1000), '1 second')
      assert.equal(formatDuration(-5), '0 ms')
    })
  })
})

describe('parseTimeout', () => {
  it('reads a bare number as seconds, like upload --timeout always did', () => {
    assert.equal(parseTimeout('30', '--timeout'), 30_000)
    assert.equal(parseTimeout(' 15 ', '--timeout'), 15_000)
    assert.equal(parseTimeout('1.5', '--timeout'), 1500)
  })

  it('reads a number with a unit like every other duration', () => {
    assert.equal(parseTimeout('30s', '--timeout'), 30_000)
    assert.equal(parseTimeout('2m', '--timeout'), 120_000)
    assert.equal(parseTimeout('1h', '--timeout'), 3_600_000)
  })

  it('reads 0 (with or without a unit) as no limit', () => {
    assert.equal(parseTimeout('0', '--timeout'), 0)
    assert.equal(parseTimeout('0s', '--timeout'), 0)
  })

  it('refuses what is not a duration, naming the flag', () => {
    for (const text of ['', 'soon', '-5', '-5s', '10 parsecs']) {
      assert.throws(() => parseTimeout(text, '--timeout'), (error: unknown) => {
        assert.ok(error instanceof UsageError, `"${text}": expected a UsageError`)
        assert.equal(error.exitCode, 2)
        assert.equal(error.message, `--timeout "${text}" is not a duration.`)
        return true
      })
    }
  })
})
