import {type DuckDBConnection, DuckDBInstance} from '@duckdb/node-api'
import {Chalk} from 'chalk'
import assert from 'node:assert/strict'
import {
  after, beforeEach, describe, test,
} from 'node:test'

import type {CapturedEvent, KeyClass} from '../../src/capture/event.js'
import type {EventKind} from '../../src/core/event-kind.js'

import {refreshRollup} from '../../src/analysis/rollup.js'
import {computeSummary, type Reader, type SummaryOptions} from '../../src/analysis/summary.js'
import {EventWriter} from '../../src/store/event-writer.js'
import {streamQuery} from '../../src/store/query-stream.js'
import {migrate} from '../../src/store/schema.js'
import {renderSummary} from '../../src/ui/summary-view.js'

/** 2025-03-03T09:00:00Z, a Monday. */
const T0 = Date.UTC(2025, 2, 3, 9) * 1000
const S = 1_000_000

interface Spec {
  app?: string
  keyClass?: KeyClass
  x?: number
  y?: number
}

function ev(seconds: number, kind: EventKind, spec: Spec = {}): CapturedEvent {
  const key = kind === 'key_down' || kind === 'key_up'
  return {
    tsMicros: T0 + Math.round(seconds * S),
    kind,
    keyCode: null,
    keyClass: key ? (spec.keyClass ?? 'letter') : null,
    x: key ? null : (spec.x ?? 0),
    y: key ? null : (spec.y ?? 0),
    button: kind === 'mouse_down' || kind === 'mouse_up' ? 1 : null,
    wheelAmount: kind === 'wheel' ? 1 : null,
    wheelDirection: kind === 'wheel' ? 'down' : null,
    modifiers: null,
    app: spec.app ?? 'code',
  }
}

/** A key press: key_down at `seconds`, key_up 50 ms later. */
function press(seconds: number, spec: Spec = {}): CapturedEvent[] {
  return [ev(seconds, 'key_down', spec), ev(seconds + 0.05, 'key_up', spec)]
}

describe('metric SQL on hand-built events', () => {
  let instance: DuckDBInstance
  let connection: DuckDBConnection
  const reader: Reader = {query: (sql, params) => streamQuery(connection, sql, params)}

  // A fresh in-memory database with the project's schema for every test.
  beforeEach(async () => {
    connection?.closeSync()
    instance?.closeSync()
    instance = await DuckDBInstance.create(':memory:')
    connection = await instance.connect()
    await migrate(connection, ':memory:')
  })

  after(() => {
    connection?.closeSync()
    instance?.closeSync()
  })

  async function insert(events: CapturedEvent[], sessionId = 1): Promise<void> {
    const writer = await EventWriter.open(connection, sessionId)
    writer.append([...events].sort((a, b) => a.tsMicros - b.tsMicros))
    writer.close()
  }

  function summary(options: Partial<SummaryOptions> = {}): ReturnType<typeof computeSummary> {
    return computeSummary(reader, {idleSeconds: 180, timeZone: 'UTC', ...options})
  }

  test('an empty database gives zeros and nulls', async () => {
    const {totals, groups, days} = await summary({by: 'day'})
    assert.deepEqual(totals, {
      events: 0,
      active_seconds: 0,
      keys: 0,
      keys_per_active_minute: null,
      inter_key_ms: {p50: null, p90: null, intervals: 0},
      bursts: 0,
      hesitations: {count: 0, seconds: 0},
      corrections: 0,
      correction_ratio: null,
      clicks: 0,
      wheel: 0,
      scroll_per_active_minute: null,
      mouse_distance_px: 0,
      mouse_distance_counts: 0,
      first_event: null,
      last_event: null,
      hold_ms: {p50: null, p90: null, count: 0},
      flight_ms: {p50: null, p90: null, count: 0},
    })
    assert.deepEqual(groups, [])
    assert.deepEqual(days, [])
  })

  // Gaps: 0.05 0.25 0.05 0.25 0.05 | 3.05 (hesitation) 0.05 | 0.2 0.5 0.5 0.1 | 5.0 (hesitation)
  // | 389.9 (idle) | 0.05 0.15 0.05 → active 10.3 s.
  const session = (): CapturedEvent[] => [
    ...press(0),
    ...press(0.3),
    ...press(0.6, {keyClass: 'correction'}),
    ...press(3.7),
    ev(3.95, 'mouse_move', {x: 100, y: 100, app: 'firefox'}),
    ev(4.45, 'mouse_move', {x: 400, y: 500, app: 'firefox'}),
    ev(4.95, 'mouse_down', {x: 400, y: 500, app: 'firefox'}),
    ev(5.05, 'mouse_up', {x: 400, y: 500, app: 'firefox'}),
    ev(10.05, 'wheel', {x: 400, y: 500, app: 'firefox'}),
    ...press(399.95),
    ...press(400.15),
  ]

  test('known totals: keys, active time without the idle gap, hesitations, percentiles, distance', async () => {
    await insert(session())
    const {totals} = await summary()
    assert.equal(totals.events, 17)
    assert.equal(totals.keys, 6)
    assert.equal(totals.active_seconds, 10.3)
    // Inter-key intervals: 300, 300, 3100, (396 250: longer than idle_seconds, left out), 200 ms.
    assert.deepEqual(totals.inter_key_ms, {p50: 300, p90: 3100, intervals: 4})
    assert.deepEqual(totals.hesitations, {count: 2, seconds: 8.05})
    assert.equal(totals.corrections, 1)
    assert.equal(totals.correction_ratio, round(1 / 6, 4))
    assert.equal(totals.clicks, 1)
    assert.equal(totals.wheel, 1)
    // (100,100) → (400,500) is 500 px; the click, release and wheel at (400,500) add nothing.
    assert.equal(totals.mouse_distance_px, 500)
    assert.equal(totals.keys_per_active_minute, round(6 / (10.3 / 60), 2))
    assert.equal(totals.scroll_per_active_minute, round(1 / (10.3 / 60), 2))
    assert.equal(totals.bursts, 0)
    assert.equal(totals.first_event, '2025-03-03T09:00:00.000000Z')
    assert.equal(totals.last_event, '2025-03-03T09:06:40.200000Z')
  })

  test('idle_seconds decides what is active: gaps, hesitations, intervals and steps at or above it drop out', async () => {
    await insert(session())
    const {totals} = await summary({idleSeconds: 3})
    // The 3.05 s and 5.0 s gaps are idle now; so is the 3.1 s interval and nothing else.
    assert.equal(totals.active_seconds, 2.25)
    assert.deepEqual(totals.hesitations, {count: 0, seconds: 0})
    assert.deepEqual(totals.inter_key_ms, {p50: 300, p90: 300, intervals: 3})
    assert.equal(totals.mouse_distance_px, 500)
    const strict = await summary({idleSeconds: 1})
    // Steps 0.5 s apart still count; the 0.5 s gap before the first move too.
    assert.equal(strict.totals.mouse_distance_px, 500)
    assert.equal(strict.totals.active_seconds, 2.25)
  })

  test('p50 and p90 are nearest-rank percentiles of whole milliseconds', async () => {
    // Ten presses: intervals 100, 110, …, 180 ms (9 of them).
    const events: CapturedEvent[] = []
    let ms = 0
    for (let i = 0; i < 10; i++) {
      events.push(...press(ms / 1000))
      ms += 100 + i * 10
    }

    await insert(events)
    const {totals} = await summary()
    // Sorted: 100 … 180; rank ⌈0.5·9⌉ = 5 → 140, rank ⌈0.9·9⌉ = 9 → 180.
    assert.deepEqual(totals.inter_key_ms, {p50: 140, p90: 180, intervals: 9})
  })

  test('a step across an idle gap is not mouse distance', async () => {
    await insert([
      ev(0, 'mouse_move', {x: 0, y: 0}),
      ev(1, 'mouse_move', {x: 30, y: 40}), // 50
      ev(2, 'mouse_move', {x: 30, y: 100}), // 60
      ev(500, 'mouse_move', {x: 1000, y: 1000}), // after 498 s: idle, not counted
      ev(500.5, 'mouse_move', {x: 1000, y: 1010}), // 10
    ])
    assert.equal((await summary()).totals.mouse_distance_px, 120)
    assert.equal((await summary({idleSeconds: 86_400})).totals.mouse_distance_px, 120 + Math.round(Math.hypot(970, 900) * 10) / 10)
  })

  describe('pointer distance per capture backend', () => {
    async function session(id: number, backend: 'evdev' | 'hook', events: CapturedEvent[]): Promise<void> {
      await connection.run(`INSERT INTO sessions (id, started_at, level, backend) VALUES (${id}, make_timestamp(${T0}), 'standard', '${backend}')`)
      await insert(events, id)
    }

    // Hook session 1 (pixels), then evdev session 2 (device units, its own origin), then evdev
    // session 3 (a new run: positions integrated from a new origin), all within idle_seconds.
    async function plant(): Promise<void> {
      await session(1, 'hook', [
        ev(0, 'mouse_move', {x: 100, y: 100}),
        ev(1, 'mouse_move', {x: 400, y: 500}), // 500 px
        ev(2, 'mouse_down', {x: 400, y: 500, app: 'firefox'}),
      ])
      await session(2, 'evdev', [
        ev(3, 'mouse_move', {x: 0, y: 0}), // after a hook position: no step
        ev(4, 'mouse_move', {x: 30, y: 40}), // 50 units
        ev(5, 'wheel', {x: 30, y: 100, app: 'firefox'}), // 60 units
        ...press(5.5),
      ])
      await session(3, 'evdev', [
        ev(6, 'mouse_move', {x: 5000, y: 5000}), // another session: no step
        ev(7, 'mouse_move', {x: 5008, y: 5006}), // 10 units
      ])
    }

    test('hook moves count as mouse_distance_px, evdev moves as mouse_distance_counts, never mixed', async () => {
      await plant()
      const {totals, groups, days} = await summary({by: 'app'})
      assert.equal(totals.mouse_distance_px, 500)
      assert.equal(totals.mouse_distance_counts, 120)
      assert.deepEqual(groups.map(g => [g.group, g.mouse_distance_px, g.mouse_distance_counts]), [['code', 500, 60], ['firefox', 0, 60]])
      assert.equal(days.length, 1)
      const byHour = await summary({by: 'hour'})
      assert.deepEqual(byHour.groups.map(g => [g.group, g.mouse_distance_px, g.mouse_distance_counts]), [['09', 500, 120]])
    })

    test('the terminal view shows device units on their own line and column, only when there are any', async () => {
      await plant()
      const text = renderSummary(await summary({by: 'app'}), new Chalk({level: 0}))
      assert.match(text, /mouse distance +500 px\n/)
      assert.match(text, /mouse distance +120 device units +evdev: integrated from relative motion, not pixels\n/)
      assert.match(text, /distance px +distance units +scroll\/min/)
      await connection.run('DELETE FROM events_live WHERE session_id <> 1')
      const hookOnly = renderSummary(await summary({by: 'app'}), new Chalk({level: 0}))
      assert.match(hookOnly, /mouse distance +500 px\n/)
      assert.doesNotMatch(hookOnly, /device units|distance units/)
    })

    test('a session without a backend (or without a row) is a hook session', async () => {
      await insert([ev(0, 'mouse_move', {x: 0, y: 0}), ev(1, 'mouse_move', {x: 3, y: 4})], 9)
      await connection.run(`INSERT INTO sessions (id, started_at, level) VALUES (8, make_timestamp(${T0}), 'standard')`)
      await insert([ev(2, 'mouse_move', {x: 3, y: 10})], 8)
      const {totals} = await summary()
      assert.equal(totals.mouse_distance_px, 11)
      assert.equal(totals.mouse_distance_counts, 0)
    })

    test('the rollup keeps the two apart exactly as raw events do', async () => {
      await plant()
      await refreshRollup(connection, {nowMicros: T0 + 86_400 * S})
      const [{px, counts}] = (await connection.runAndReadAll('SELECT sum(step_px)::DOUBLE AS px, sum(step_counts)::DOUBLE AS counts FROM rollup_gaps')).getRowObjectsJS()
      assert.deepEqual([px, counts], [500, 120])
      for (const by of ['app', 'day', 'hour'] as const) {
        const rolled = await summary({by})
        const raw = await summary({by, rollup: false})
        assert.notEqual(rolled.rollup_until, null)
        assert.deepEqual({...rolled, rollup_until: null}, raw, by)
      }
    })
  })

  test('bursts: runs of at least 5 key presses less than 2 s apart, each counted once', async () => {
    const events: CapturedEvent[] = []
    for (let i = 0; i < 12; i++) events.push(...press(i * 0.1)) // a run of 12: one burst
    for (let i = 0; i < 4; i++) events.push(...press(10 + i * 0.1)) // 4: not a burst
    for (let i = 0; i < 5; i++) events.push(...press(20 + i * 1.9)) // 5, 1.9 s apart: a burst
    for (let i = 0; i < 6; i++) events.push(...press(40 + i * 2)) // 2 s apart is a pause, not a burst
    await insert(events)
    assert.equal((await summary()).totals.bursts, 2)
  })

  test('since and until: a gap belongs to the event that ends it', async () => {
    await insert(session())
    // From 3.0 s: press(3.7) and everything after. The 3.05 s gap ending at 3.7 s counts.
    const {totals} = await summary({sinceMicros: T0 + 3 * S, untilMicros: T0 + 400 * S})
    // Events in [3 s, 400 s): the press at 3.7 s, the pointer and wheel events, the key_down at 399.95 s.
    assert.equal(totals.keys, 2)
    assert.equal(totals.events, 8)
    assert.deepEqual(totals.hesitations, {count: 2, seconds: 8.05})
    assert.equal(totals.active_seconds, 9.4) // 3.05 + 0.05 + 0.2 + 0.5 + 0.5 + 0.1 + 5
    // The interval from the press at 0.6 s to 3.7 s ends inside the range.
    assert.deepEqual(totals.inter_key_ms, {p50: 3100, p90: 3100, intervals: 1})
    assert.equal(totals.mouse_distance_px, 500)
  })

  test('a range that ends on a slot boundary before all events, with a rollup, is empty', async () => {
    await insert(session())
    await refreshRollup(connection, {nowMicros: T0 + 86_400 * S})
    const {totals} = await summary({untilMicros: T0 - 3600 * S})
    assert.equal(totals.events, 0)
    assert.equal((await summary({sinceMicros: T0 + 900 * S})).totals.events, 0)
    assert.equal((await summary({sinceMicros: T0 + 300 * S})).totals.keys, 2)
  })

  test('per-group splits by app, hour and day add up to the totals', async () => {
    const events = [
      ...session(),
      ...press(3600 + 0, {app: 'slack'}), // 10:00
      ...press(3600 + 0.2, {app: 'slack'}),
      ...press(86_400 + 0, {app: 'terminal'}), // Tuesday 09:00
      ...press(86_400 + 0.4, {app: 'terminal'}),
      ev(86_400 + 1, 'mouse_down', {app: 'terminal', x: 5, y: 5}),
    ]
    await insert(events)
    const byApp = await summary({by: 'app'})
    assert.deepEqual(byApp.groups.map(g => [g.group, g.keys, g.clicks, g.events]), [
      ['code', 6, 0, 12],
      ['firefox', 0, 1, 5],
      ['slack', 2, 0, 4],
      ['terminal', 2, 1, 5],
    ])
    // The 0.2 s gap from the last code key-up to the first firefox move counts for firefox: 0.2 + 0.5 + 0.5 + 0.1 + 5.
    assert.equal(byApp.groups.find(g => g.group === 'firefox')!.active_seconds, 6.3)
    assert.deepEqual(byApp.groups.find(g => g.group === 'slack')!.inter_key_ms, {p50: 200, p90: 200, intervals: 1})
    const byHour = await summary({by: 'hour'})
    assert.deepEqual(byHour.groups.map(g => [g.group, g.keys]), [['09', 8], ['10', 2]])
    const byDay = await summary({by: 'day'})
    assert.deepEqual(byDay.groups.map(g => [g.group, g.keys, g.clicks]), [['2025-03-03', 8, 1], ['2025-03-04', 2, 1]])
    assert.deepEqual(byDay.days.map(d => [d.day, d.keys]), [['2025-03-03', 8], ['2025-03-04', 2]])
    assert.equal(byDay.groups.reduce((sum, g) => sum + g.events, 0), byDay.totals.events)
    assert.equal(byDay.hour_of_day[9].keys, 8)
    assert.equal(byDay.hour_of_day[10].keys, 2)
    // Local time: in New York (UTC−5 in March 2025) 09:00 UTC is 04:00.
    const local = await summary({by: 'hour', timeZone: 'America/New_York'})
    assert.deepEqual(local.groups.map(g => [g.group, g.keys]), [['04', 8], ['05', 2]])
  })

  test('the cadence distribution counts intervals in 50 ms bins below 1 s', async () => {
    await insert(session())
    const {cadence} = await summary()
    assert.equal(cadence.length, 21)
    assert.deepEqual(cadence.filter(bin => bin.count > 0), [
      {from_ms: 200, to_ms: 250, count: 1},
      {from_ms: 300, to_ms: 350, count: 2},
      {from_ms: 1000, to_ms: null, count: 1},
    ])
  })
})

function round(value: number, digits: number): number {
  return Math.round(value * 10 ** digits) / 10 ** digits
}
