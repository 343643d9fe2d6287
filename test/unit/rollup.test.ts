import {type DuckDBConnection, DuckDBInstance} from '@duckdb/node-api'
import assert from 'node:assert/strict'
import {
  after, before, describe, test,
} from 'node:test'

import {invalidateRollup, refreshRollup} from '../../src/analysis/rollup.js'
import {
  computeSummary, type Reader, type Summary, type SummaryOptions,
} from '../../src/analysis/summary.js'
import {syntheticEvents} from '../../src/demo/demo-data.js'
import {EventWriter} from '../../src/store/event-writer.js'
import {streamQuery} from '../../src/store/query-stream.js'
import {migrate} from '../../src/store/schema.js'

const HOUR = 3600 * 1_000_000
/** Monday 2025-03-03 12:00 UTC; the synthetic workday runs ~09:00–18:00 with lunch and meetings off. */
const START = Date.UTC(2025, 2, 3, 12) * 1000
const FAR_FUTURE = Date.UTC(2030, 0, 1) * 1000

/** Distances are float sums: the rollup adds them in another order, so allow a rounding step. */
function assertSame(actual: Summary, expected: Summary, label: string): void {
  const distance = new Set(['mouse_distance_counts', 'mouse_distance_px'])
  const strip = (summary: Summary): unknown => JSON.parse(JSON.stringify({...summary, rollup_until: null}, (key, value) => (distance.has(key) ? undefined : value)))
  assert.deepEqual(strip(actual), strip(expected), label)
  const distances = (summary: Summary): number[] => [
    ...[summary.totals, ...summary.groups, ...summary.days].map(m => m.mouse_distance_px),
    ...[summary.totals, ...summary.groups].map(m => m.mouse_distance_counts),
  ]
  const a = distances(actual)
  const b = distances(expected)
  assert.equal(a.length, b.length)
  for (const [index, value] of a.entries()) assert.ok(Math.abs(value - b[index]) <= 0.11, `${label}: distance ${value} vs ${b[index]}`)
}

describe('the rollup gives exactly what raw events give', () => {
  let instance: DuckDBInstance
  let connection: DuckDBConnection
  const reader: Reader = {query: (sql, params) => streamQuery(connection, sql, params)}
  const cases: Array<{label: string; options: Partial<SummaryOptions>}> = [
    {label: 'everything, by app, key pairs', options: {by: 'app', byKey: true}},
    {label: 'unaligned range, by day', options: {by: 'day', sinceMicros: START + 1.126 * HOUR + 31_500_000, untilMicros: START + 22.87 * HOUR}},
    {
      label: 'unaligned range, by hour, idle 60 s', options: {
        by: 'hour', idleSeconds: 60, sinceMicros: START + 0.3 * HOUR, untilMicros: START + 5.51 * HOUR,
      },
    },
    {
      label: 'until only, idle 600 s, New York', options: {
        idleSeconds: 600, untilMicros: START + 3.333 * HOUR, timeZone: 'America/New_York', by: 'hour',
      },
    },
    {label: 'a range inside one slot', options: {sinceMicros: START + 2.01 * HOUR, untilMicros: START + 2.2 * HOUR}},
    // Below the rollup's workflow cut (30 s), workflow pieces come from raw events.
    {label: 'by app, idle 20 s', options: {by: 'app', idleSeconds: 20, sinceMicros: START + 1.7 * HOUR}},
  ]

  async function compareAll(): Promise<void> {
    for (const {label, options} of cases) {
      const base: SummaryOptions = {idleSeconds: 180, timeZone: 'UTC', ...options}
      const raw = await computeSummary(reader, {...base, rollup: false})
      const rolled = await computeSummary(reader, base)
      assert.equal(raw.rollup_until, null)
      assertSame(rolled, raw, label)
    }
  }

  before(async () => {
    instance = await DuckDBInstance.create(':memory:')
    connection = await instance.connect()
    await migrate(connection, ':memory:')
    const writer = await EventWriter.open(connection, 1)
    writer.append([...syntheticEvents({startMicros: START, durationMs: 24 * 3600 * 1000, seed: 7})])
    writer.close()
    // Keystroke dynamics: holds on key_up rows (some long enough to overlap the next press), key
    // codes on the letters of the first 10 hours (level full), a second session from hour 14.
    await connection.run('UPDATE events_live SET hold_ms = 30 + (epoch_us(ts) // 1000) % 170 WHERE kind = \'key_up\'')
    await connection.run(`UPDATE events_live SET key_code = 16 + (epoch_us(ts) // 1000) % 10
      WHERE kind IN ('key_down', 'key_up') AND key_class = 'letter' AND ts < make_timestamp(${START + 10 * HOUR})`)
    await connection.run(`UPDATE events_live SET session_id = 2 WHERE ts >= make_timestamp(${START + 14 * HOUR})`)
    // The second session was captured through evdev: its pointer distance is in device units.
    await connection.run(`INSERT INTO sessions (id, started_at, level, backend) VALUES
      (1, make_timestamp(${START}), 'standard', 'hook'), (2, make_timestamp(${START + 14 * HOUR}), 'standard', 'evdev')`)
  })

  after(() => {
    connection.closeSync()
    instance.closeSync()
  })

  test('built incrementally, it agrees with raw events for any range, grouping and idle_seconds', async () => {
    const first = await refreshRollup(connection, {nowMicros: START + 3 * HOUR + 60_000_000})
    // Slots close 2 minutes after they end: at 15:01 the rollup reaches 14:45.
    assert.equal(first.covered_until, START + 2.75 * HOUR)
    assert.equal(first.rebuilt?.from, 0)
    const rolledPart = await computeSummary(reader, {idleSeconds: 180, timeZone: 'UTC'})
    assert.equal(rolledPart.rollup_until, '2025-03-03T14:45:00.000000Z')
    await compareAll()
    // The comparisons above are not of empty lists.
    assert.ok(rolledPart.totals.hold_ms.count > 0 && rolledPart.totals.flight_ms.count > 0)
    assert.ok(rolledPart.digraphs.length > 0)
    assert.ok(rolledPart.totals.mouse_distance_px > 0 && rolledPart.totals.mouse_distance_counts > 0)
    const [{negative}] = (await connection.runAndReadAll('SELECT sum(n)::INTEGER AS negative FROM rollup_flights WHERE ms < 0')).getRowObjectsJS()
    assert.ok(Number(negative) > 0)
    const byKey = await computeSummary(reader, {idleSeconds: 180, timeZone: 'UTC', byKey: true})
    assert.ok(byKey.digraphs_by_key!.length > 0)
    const second = await refreshRollup(connection, {nowMicros: FAR_FUTURE})
    assert.deepEqual(second.rebuilt, {from: START + 2.75 * HOUR, to: second.covered_until})
    const [{n}] = (await connection.runAndReadAll('SELECT count(*)::INTEGER AS n FROM events')).getRowObjectsJS()
    assert.equal(second.events, n)
    // Nothing new: nothing rebuilt.
    assert.equal((await refreshRollup(connection, {nowMicros: FAR_FUTURE})).rebuilt, null)
    await compareAll()
  })

  test('after a range is rewritten in place (redact), invalidateRollup brings it back in line', async () => {
    await refreshRollup(connection, {nowMicros: FAR_FUTURE})
    const since = START + 1.61 * HOUR
    const until = START + 2.05 * HOUR
    await connection.run(`UPDATE events_live SET x = x - x % 100, y = y - y % 100, ts = make_timestamp(epoch_us(ts) - epoch_us(ts) % 100000)
      WHERE ts >= make_timestamp($since::BIGINT) AND ts < make_timestamp($until::BIGINT)`, {since, until})
    const result = await invalidateRollup(connection, since, until)
    assert.ok(result.rebuilt)
    assert.ok(result.rebuilt.from <= since && result.rebuilt.to >= until)
    await compareAll()
  })

  test('after a range is deleted (forget), invalidateRollup brings it back in line', async () => {
    const since = START + 4.2 * HOUR
    const until = START + 4.9 * HOUR
    await connection.run('DELETE FROM events_live WHERE ts >= make_timestamp($since::BIGINT) AND ts < make_timestamp($until::BIGINT)', {since, until})
    await invalidateRollup(connection, since, until)
    const [{n}] = (await connection.runAndReadAll('SELECT count(*)::INTEGER AS n FROM events')).getRowObjectsJS()
    const [{events}] = (await connection.runAndReadAll('SELECT events::INTEGER AS events FROM rollup_state')).getRowObjectsJS()
    assert.equal(events, n)
    await compareAll()
  })

  test('events deleted without telling the rollup are noticed and repaired by the next refresh', async () => {
    const since = START + 0.5 * HOUR
    await connection.run('DELETE FROM events_live WHERE ts >= make_timestamp($since::BIGINT) AND ts < make_timestamp($until::BIGINT)', {since, until: since + 600_000_000})
    const repaired = await refreshRollup(connection, {nowMicros: FAR_FUTURE})
    assert.equal(repaired.rebuilt?.from, since)
    await compareAll()
  })

  test('histograms are stored by magnitude of ms, then slot: one build (one chunk) keeps the bands in order', async () => {
    // Emptying the mark makes the next refresh rebuild every slot, in one chunk (a day < a week).
    await connection.run('DELETE FROM rollup_state')
    await refreshRollup(connection, {nowMicros: FAR_FUTURE})
    for (const table of ['rollup_key_intervals', 'rollup_holds', 'rollup_flights', 'rollup_digraphs']) {
      const [{bands, slots, backwards}] = (await connection.runAndReadAll(`
        WITH stored AS (SELECT rowid AS r, slot, sign(ms) * floor(log2(abs(ms) + 1)) AS band FROM ${table})
        SELECT count(DISTINCT band)::INTEGER AS bands, count(DISTINCT slot)::INTEGER AS slots,
          count(*) FILTER (WHERE band < previous)::INTEGER AS backwards
        FROM (SELECT slot, band, lag(band) OVER (ORDER BY r) AS previous FROM stored)`)).getRowObjectsJS()
      // Several bands over several slots: a table stored slot by slot would go back many times.
      assert.ok(Number(bands) > 3 && Number(slots) > 3, `${table}: ${bands} bands, ${slots} slots`)
      assert.equal(backwards, 0, `${table}: the ms band goes back ${backwards} times in stored order`)
    }
  })
})
