import assert from 'node:assert/strict'
import {describe, test} from 'node:test'

import {UsageError} from '../../src/core/errors.js'
import {messageTime, pausedText, stillPausedText} from '../../src/ui/daemon-view.js'
import {localTime} from '../../src/ui/event-format.js'
import {parseRange, parseTime, toMicros} from '../../src/ui/time.js'

// A fixed local "now": 2026-11-27 14:30:15.250 local time.
const NOW = new Date(2026, 10, 27, 14, 30, 15, 250)

describe('parseTime', () => {
  test('relative durations count back from now', () => {
    assert.equal(parseTime('15m', '--since', NOW).getTime(), NOW.getTime() - 15 * 60_000)
    assert.equal(parseTime('2h', '--since', NOW).getTime(), NOW.getTime() - 2 * 3_600_000)
    assert.equal(parseTime('3d', '--since', NOW).getTime(), NOW.getTime() - 3 * 86_400_000)
    assert.equal(parseTime('90s', '--since', NOW).getTime(), NOW.getTime() - 90_000)
    assert.equal(parseTime('1w', '--since', NOW).getTime(), NOW.getTime() - 7 * 86_400_000)
  })

  test('today and yesterday are local midnights', () => {
    assert.deepEqual(parseTime('today', '--since', NOW), new Date(2026, 10, 27))
    assert.deepEqual(parseTime('yesterday', '--since', NOW), new Date(2026, 10, 26))
    assert.deepEqual(parseTime('Today', '--since', NOW), new Date(2026, 10, 27))
    assert.equal(parseTime('now', '--until', NOW).getTime(), NOW.getTime())
  })

  test('HH:MM and HH:MM:SS are today, local', () => {
    assert.deepEqual(parseTime('09:05', '--since', NOW), new Date(2026, 10, 27, 9, 5))
    assert.deepEqual(parseTime('9:05', '--since', NOW), new Date(2026, 10, 27, 9, 5))
    assert.deepEqual(parseTime('23:59:58', '--since', NOW), new Date(2026, 10, 27, 23, 59, 58))
  })

  test('ISO-8601 dates are local midnight; date-times without a zone are local; Z and offsets are exact', () => {
    assert.deepEqual(parseTime('2026-01-31', '--since', NOW), new Date(2026, 0, 31))
    assert.deepEqual(parseTime('2026-01-31T08:15', '--since', NOW), new Date(2026, 0, 31, 8, 15))
    assert.deepEqual(parseTime('2026-01-31 08:15:30', '--since', NOW), new Date(2026, 0, 31, 8, 15, 30))
    assert.equal(parseTime('2026-01-31T08:15:30Z', '--since', NOW).toISOString(), '2026-01-31T08:15:30.000Z')
    assert.equal(parseTime('2026-01-31T08:15:30.5+02:00', '--since', NOW).toISOString(), '2026-01-31T06:15:30.500Z')
  })

  for (const bad of ['', 'soon', '25:00', '12:60', '2026-02-30', '2026-13-01', '15', '-5m', '5 parsecs', '2026-01-31T25:00']) {
    test(`"${bad}" is a usage error naming the flag and the accepted forms`, () => {
      assert.throws(
        () => parseTime(bad, '--since', NOW),
        (error: unknown) => {
          assert.ok(error instanceof UsageError)
          assert.equal(error.exitCode, 2)
          assert.equal(error.message, `--since "${bad}" is not a time I understand.`)
          assert.match(error.suggestion ?? '', /ISO-8601.*HH:MM.*15m, 2h, 3d.*today or yesterday/)
          return true
        },
      )
    })
  }
})

describe('parseRange', () => {
  test('both ends against the same now', () => {
    const range = parseRange('2h', '1h', NOW)
    assert.equal(range.since!.getTime(), NOW.getTime() - 7_200_000)
    assert.equal(range.until!.getTime(), NOW.getTime() - 3_600_000)
  })

  test('open ends stay undefined', () => {
    assert.deepEqual(parseRange(undefined, undefined, NOW), {since: undefined, until: undefined})
  })

  test('a reversed or empty range is a usage error', () => {
    assert.throws(() => parseRange('1h', '2h', NOW), (error: unknown) => error instanceof UsageError && /must be before --until/.test(error.message))
    assert.throws(() => parseRange('10:00', '10:00', NOW), UsageError)
  })

  test('the --until flag is named when it is the bad one', () => {
    assert.throws(() => parseRange('1h', 'later', NOW), /--until "later" is not a time/)
  })

  test('toMicros is epoch microseconds', () => {
    assert.equal(toMicros(new Date('2026-01-01T00:00:00.001Z')), 1_767_225_600_001_000)
  })
})

describe('times shown to a person: one 24-hour format', () => {
  // Local times built from local parts, so the test holds in any time zone.
  const now = new Date(2026, 10, 30, 9, 0, 0)
  const afternoon = new Date(2026, 10, 30, 16, 35, 15, 250).toISOString()
  const inTwoDays = new Date(2026, 11, 2, 16, 35, 15, 250).toISOString()

  test('today: the clock only, 24-hour, milliseconds in tables and seconds in messages', () => {
    assert.equal(localTime(afternoon, now), '16:35:15.250')
    assert.equal(messageTime(afternoon, now), '16:35:15')
  })

  test('another day: the date first', () => {
    assert.equal(localTime(inTwoDays, now), '2026-12-02 16:35:15.250')
    assert.equal(messageTime(inTwoDays, now), '2026-12-02 16:35:15')
  })

  test('pause and status messages use it (no AM/PM anywhere)', () => {
    const text = pausedText(inTwoDays)
    assert.match(text, /^Paused until \d{4}-\d{2}-\d{2} 16:35:15\.$/)
    assert.doesNotMatch(text + stillPausedText(afternoon), /AM|PM/)
  })
})
