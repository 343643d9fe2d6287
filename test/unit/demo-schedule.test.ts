import assert from 'node:assert/strict'
import {describe, test} from 'node:test'

import {Rng} from '../../src/demo/rng.js'
import {fatigue, Typist} from '../../src/demo/typist.js'
import {Workweek} from '../../src/demo/workday.js'

const MINUTE = 60_000_000
const HOUR = 60 * MINUTE
const DAY = 24 * HOUR
/** Monday 2025-03-03 00:00 UTC. */
const MONDAY = Date.UTC(2025, 2, 3) * 1000

describe('demo workweek', () => {
  const week = new Workweek(1)

  test('weekdays have a plan around 09:00–18:00 with lunch; weekends have none', () => {
    for (let d = 0; d < 5; d++) {
      const plan = week.plan(MONDAY + d * DAY)!
      assert.ok(plan.begin >= 8.6 * HOUR && plan.begin <= 9.5 * HOUR, `begin ${plan.begin / HOUR} h`)
      assert.ok(plan.end >= 17.6 * HOUR && plan.end <= 18.3 * HOUR, `end ${plan.end / HOUR} h`)
      const lunch = plan.away.find(([from]) => from >= 12 * HOUR && from <= 13 * HOUR)
      assert.ok(lunch && lunch[1] - lunch[0] >= 45 * MINUTE, 'a lunch of 45 min or more')
    }

    assert.equal(week.plan(MONDAY + 5 * DAY), undefined)
    assert.equal(week.plan(MONDAY + 6 * DAY), undefined)
  })

  test('the next working moment skips nights, weekends and every time away, and keeps working time', () => {
    const plan = week.plan(MONDAY)!
    assert.equal(week.nextWorkingMoment(MONDAY), MONDAY + plan.begin)
    for (const [from, to] of plan.away) assert.equal(week.nextWorkingMoment(MONDAY + from + MINUTE), MONDAY + to)
    const working = MONDAY + plan.begin + MINUTE
    assert.equal(week.nextWorkingMoment(working), working)
    const friday = week.plan(MONDAY + 4 * DAY)!
    const nextMonday = MONDAY + 7 * DAY
    assert.equal(week.nextWorkingMoment(MONDAY + 4 * DAY + friday.end), nextMonday + week.plan(nextMonday)!.begin)
  })

  test('the plan depends on the seed and the day only', () => {
    assert.deepEqual(new Workweek(1).plan(MONDAY + DAY), week.plan(MONDAY + DAY))
    assert.notDeepEqual(new Workweek(2).plan(MONDAY + DAY), week.plan(MONDAY + DAY))
  })
})

describe('demo typist', () => {
  test('the person is drawn from the seed within the published ranges, and differs between seeds', () => {
    const a = new Typist(1)
    const b = new Typist(2)
    for (const typist of [a, b]) {
      assert.ok(typist.holdMs >= 80 && typist.holdMs <= 120)
      assert.ok(typist.paceMs >= 135 && typist.paceMs <= 200)
    }

    assert.deepEqual(new Typist(1), a)
    assert.notEqual(a.paceMs, b.paceMs)
  })

  test('day-to-day variation is small: each day\'s median letter latency within 15 % of the first day\'s', () => {
    const typist = new Typist(3)
    const rng = new Rng(9)
    const medians: number[] = []
    for (let day = 0; day < 20; day++) {
      typist.startDay(rng)
      const samples = Array.from({length: 401}, () => typist.latency(rng, 'letter', 'letter', 1)).sort((x, y) => x - y)
      medians.push(samples[200])
    }

    for (const median of medians) assert.ok(Math.abs(median / medians[0] - 1) < 0.15, `${median} vs ${medians[0]}`)
    assert.ok(new Set(medians).size > 1, 'days differ a little')
  })

  test('fatigue: 1 late in the morning, a post-lunch dip, slowest late in the afternoon', () => {
    assert.ok(Math.abs(fatigue(11) - 1) < 0.001)
    assert.ok(fatigue(9) > 1)
    assert.ok(fatigue(14) > fatigue(13))
    assert.ok(fatigue(17.5) > fatigue(14) && fatigue(17.5) < 1.3)
  })
})
