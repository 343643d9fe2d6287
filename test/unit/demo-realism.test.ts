import {type DuckDBConnection, DuckDBInstance} from '@duckdb/node-api'
import assert from 'node:assert/strict'
import {
  after, before, describe, test,
} from 'node:test'

import {KeyPairing} from '../../src/capture/key-pairing.js'
import {syntheticEvents} from '../../src/demo/demo-data.js'
import {syntheticInputs} from '../../src/demo/synthetic.js'
import {EventWriter} from '../../src/store/event-writer.js'
import {migrate} from '../../src/store/schema.js'

/**
 * The demo generator's signals for issue 13, measured the way a recipient of the data would: with
 * SQL on the rows `devtrace demo` writes (level standard), never by asking the generator. Pointer
 * moves are left out of the database: none of these signals uses them, and they are most rows.
 */

const DAY_MS = 86_400_000
/** Monday 2025-03-03 00:00 UTC: four weekdays follow. */
const MONDAY = Date.UTC(2025, 2, 3) * 1000
const DAYS = 4
/** Key/click/wheel events: what app switches and focus sessions are counted over. */
const ACTIONS = 'kind IN (\'key_down\', \'mouse_down\', \'wheel\') AND app IS NOT NULL'

let instance: DuckDBInstance
let connection: DuckDBConnection

async function rows<T = Record<string, unknown>>(sql: string): Promise<T[]> {
  return (await connection.runAndReadAll(sql)).getRowObjectsJS() as T[]
}

async function one<T = Record<string, number>>(sql: string): Promise<T> {
  const [row] = await rows<T>(sql)
  return row
}

async function fill(sessionId: number, options: {seed: number; typist?: number}): Promise<void> {
  const writer = await EventWriter.open(connection, sessionId)
  const events = [...syntheticEvents({...options, startMicros: MONDAY, durationMs: DAYS * DAY_MS})]
  writer.append(events.filter(event => event.kind !== 'mouse_move'))
  writer.close()
}

describe('the demo generator: hold times, rhythm, workflow', () => {
  before(async () => {
    instance = await DuckDBInstance.create(':memory:')
    connection = await instance.connect()
    await migrate(connection, ':memory:')
    // Session 1: the demo's person (seed 1). Session 2: the same person (typist 1) on a desk
    // seeded otherwise, i.e. other days. Session 3: somebody else (seed 2).
    await fill(1, {seed: 1})
    await fill(2, {seed: 11, typist: 1})
    await fill(3, {seed: 2})
    // Every key press with its release, paired the only way a standard-level reader can: the
    // release's hold points back at its press.
    await connection.run(`CREATE VIEW presses AS
      SELECT session_id, key_class, ts - to_milliseconds(hold_ms) AS down, ts AS up, hold_ms, app, modifiers
      FROM events WHERE kind = 'key_up'`)
    // Runs of consecutive actions in one app, split by a gap longer than idle_seconds (180).
    await connection.run(`CREATE VIEW runs AS
      WITH marked AS (
        SELECT session_id, ts, app,
          CASE WHEN app IS DISTINCT FROM lag(app) OVER w OR ts - lag(ts) OVER w > INTERVAL 180 SECOND THEN 1 ELSE 0 END AS starts
        FROM events WHERE ${ACTIONS} WINDOW w AS (PARTITION BY session_id ORDER BY ts)
      ), numbered AS (SELECT *, sum(starts) OVER (PARTITION BY session_id ORDER BY ts) AS run FROM marked)
      SELECT session_id, run, any_value(app) AS app, min(ts) AS first, max(ts) AS last,
        epoch(max(ts) - min(ts)) AS seconds
      FROM numbered GROUP BY session_id, run`)
  })

  after(() => {
    connection.closeSync()
    instance.closeSync()
  })

  test('every key release carries a hold in range; the press it points back to exists', async () => {
    const holds = await one(`SELECT count(*)::INTEGER AS releases, count(hold_ms)::INTEGER AS with_hold,
        min(hold_ms) AS shortest, max(hold_ms) AS longest FROM events WHERE kind = 'key_up'`)
    assert.ok(holds.releases > 100_000)
    assert.equal(holds.with_hold, holds.releases)
    assert.ok(holds.shortest >= 1 && holds.longest <= 2000, `holds ${holds.shortest}–${holds.longest} ms`)
    assert.equal((await one('SELECT count(hold_ms)::INTEGER AS n FROM events WHERE kind <> \'key_up\'')).n, 0)
    // key_up.ts = key_down.ts + hold: each release finds a press of its class at exactly that time.
    const orphans = await one(`SELECT count(*)::INTEGER AS n FROM presses p WHERE NOT EXISTS (
        SELECT 1 FROM events d WHERE d.kind = 'key_down' AND d.session_id = p.session_id AND d.key_class = p.key_class AND d.ts = p.down)`)
    assert.equal(orphans.n, 0)
    assert.equal((await one('SELECT count(*)::INTEGER AS n FROM events WHERE kind = \'key_down\'')).n, holds.releases)
  })

  test('holds per key class look like a person: letters 70–130 ms, space longer, modifiers held across chords longest', async () => {
    const byClass = Object.fromEntries((await rows<{key_class: string; p50: number}>(`SELECT key_class, median(hold_ms) AS p50
        FROM presses WHERE session_id = 1 GROUP BY key_class`)).map(row => [row.key_class, row.p50]))
    assert.ok(byClass.letter >= 70 && byClass.letter <= 130, `letter ${byClass.letter} ms`)
    assert.ok(byClass.space > byClass.letter, `space ${byClass.space} vs letter ${byClass.letter}`)
    assert.ok(byClass.modifier > 1.5 * byClass.letter, `modifier ${byClass.modifier} vs letter ${byClass.letter}`)
  })

  test('fast typing overlaps: 10–25 % of flights (previous release → next press) are negative', async () => {
    const flights = await rows<{negative: number}>(`WITH pairs AS (
        SELECT session_id, epoch_ms(lead(down) OVER w) - epoch_ms(up) AS flight, epoch_ms(lead(down) OVER w) - epoch_ms(down) AS latency
        FROM presses WINDOW w AS (PARTITION BY session_id ORDER BY down))
      SELECT session_id, avg((flight < 0)::INTEGER) AS negative FROM pairs WHERE latency < 1500 GROUP BY session_id`)
    assert.equal(flights.length, 3)
    for (const {negative} of flights) assert.ok(negative >= 0.1 && negative <= 0.25, `negative flights ${negative}`)
  })

  test('shortcuts: presses under ctrl/alt/meta, each inside a held modifier key, a few per hundred clicks at least', async () => {
    const shortcut = 'kind = \'key_down\' AND key_class <> \'modifier\' AND regexp_matches(modifiers, \'(ctrl|alt|meta)\')'
    const counts = await one(`SELECT count(*) FILTER (${shortcut})::INTEGER AS shortcuts, count(*) FILTER (kind = 'mouse_down')::INTEGER AS clicks
        FROM events WHERE session_id = 1`)
    assert.ok(counts.shortcuts >= 100 * DAYS, `${counts.shortcuts} shortcuts`)
    const perClick = counts.shortcuts / counts.clicks
    assert.ok(perClick > 0.05 && perClick < 2, `shortcuts per click ${perClick}`)
    const unheld = await one(`SELECT count(*)::INTEGER AS n FROM events e WHERE ${shortcut} AND NOT EXISTS (
        SELECT 1 FROM presses m WHERE m.session_id = e.session_id AND m.key_class = 'modifier' AND m.down < e.ts AND m.up > e.ts)`)
    assert.equal(unheld.n, 0)
  })

  test('focus sessions: several runs of 5 min or more in one app every day', async () => {
    const days = await rows<{focus: number; longest: number}>(`SELECT first::DATE AS day, count(*) FILTER (seconds >= 300)::INTEGER AS focus,
        max(seconds) AS longest FROM runs WHERE session_id = 1 GROUP BY day`)
    assert.equal(days.length, DAYS)
    for (const {focus, longest} of days) {
      assert.ok(focus >= 5, `${focus} focus sessions`)
      assert.ok(longest >= 15 * 60, `longest ${longest} s`)
    }
  })

  test('interruptions: focused work left for another app and resumed within 2 minutes, several a day', async () => {
    // Stays: from the first action in an app to the first action in the next one. An interruption
    // is a short stay between two stays in one app that add up to 5 min or more of work there.
    const interruptions = await one(`WITH switches AS (
        SELECT session_id, app, ts, lag(app) OVER w AS before FROM events WHERE ${ACTIONS} WINDOW w AS (PARTITION BY session_id ORDER BY ts)
      ), stays AS (
        SELECT session_id, app, ts AS arrived, lead(ts) OVER w - ts AS length FROM switches WHERE app IS DISTINCT FROM before
        WINDOW w AS (PARTITION BY session_id ORDER BY ts)
      ), around AS (
        SELECT app, length, lag(app) OVER w AS came_from, lead(app) OVER w AS went_to, lag(length) OVER w + lead(length) OVER w AS work
        FROM stays WHERE session_id = 1 WINDOW w AS (ORDER BY arrived))
      SELECT count(*)::INTEGER AS n FROM around
      WHERE came_from = went_to AND length < INTERVAL 2 MINUTE AND work >= INTERVAL 5 MINUTE`)
    assert.ok(interruptions.n >= 8 * DAYS, `${interruptions.n} interruptions`)
  })

  test('the shape of the day: slower keys and more corrections late in the afternoon than in the morning', async () => {
    const [morning, afternoon] = await rows<{correction_ratio: number; inter_key: number}>(`WITH k AS (
        SELECT ts, key_class, epoch_ms(ts) - epoch_ms(lag(ts) OVER (PARTITION BY session_id ORDER BY ts)) AS gap
        FROM events WHERE kind = 'key_down' AND session_id = 1)
      SELECT hour(ts) >= 16 AS late, median(gap) FILTER (gap < 1500) AS inter_key, avg((key_class = 'correction')::INTEGER) AS correction_ratio
      FROM k WHERE hour(ts) BETWEEN 10 AND 11 OR hour(ts) BETWEEN 16 AND 17 GROUP BY late ORDER BY late`)
    assert.ok(afternoon.inter_key > 1.05 * morning.inter_key, `inter-key ${morning.inter_key} → ${afternoon.inter_key} ms`)
    assert.ok(afternoon.correction_ratio > morning.correction_ratio, `corrections ${morning.correction_ratio} → ${afternoon.correction_ratio}`)
    const holds = await one(`SELECT min(p50) AS low, max(p50) AS high FROM (
        SELECT median(hold_ms) AS p50 FROM presses WHERE session_id = 1 AND key_class = 'letter' AND hour(down) BETWEEN 9 AND 17 GROUP BY hour(down))`)
    assert.ok(holds.high > holds.low, 'letter holds vary across the hours')
  })

  test('the typist is recognisable: their other days are nearer their template than anyone else\'s days (scaled Manhattan)', async () => {
    // Per day: median down-down latency of each key-class pair and median hold of each class; the
    // template is session 1's days (mean and mean absolute deviation per feature, Killourhy &
    // Maxion 2009); features present with 30+ samples on every day of every session.
    const distances = await rows<{distance: number; session_id: number}>(`WITH downs AS (
        SELECT session_id, ts, key_class, lag(key_class) OVER w AS previous, epoch_ms(ts) - epoch_ms(lag(ts) OVER w) AS latency
        FROM events WHERE kind = 'key_down' WINDOW w AS (PARTITION BY session_id ORDER BY ts)
      ), features AS (
        SELECT session_id, ts::DATE AS day, previous || '>' || key_class AS feature, median(latency) AS value, count(*) AS n
        FROM downs WHERE previous IS NOT NULL AND latency < 1500 GROUP BY ALL
        UNION ALL
        SELECT session_id, down::DATE, 'hold ' || key_class, median(hold_ms), count(*) FROM presses GROUP BY ALL
      ), common AS (SELECT feature FROM features GROUP BY feature HAVING min(n) >= 30 AND count(*) = ${3 * DAYS}),
      template AS (
        SELECT feature, avg(value) AS mean FROM features JOIN common USING (feature) WHERE session_id = 1 GROUP BY feature
      ), spread AS (
        SELECT feature, any_value(mean) AS mean, greatest(avg(abs(value - mean)), 1) AS deviation
        FROM features JOIN template USING (feature) WHERE session_id = 1 GROUP BY feature
      )
      SELECT session_id, day, sum(abs(value - mean) / deviation) AS distance, count(*)::INTEGER AS features
      FROM features JOIN spread USING (feature) WHERE session_id <> 1 GROUP BY session_id, day`)
    assert.equal(distances.length, 2 * DAYS)
    const sameTypist = distances.filter(d => d.session_id === 2).map(d => d.distance)
    const otherTypist = distances.filter(d => d.session_id === 3).map(d => d.distance)
    assert.ok(Math.max(...sameTypist) < Math.min(...otherTypist), `same typist ${sameTypist.map(d => Math.round(d))}, other ${otherTypist.map(d => Math.round(d))}`)
  })
})

describe('the demo generator: the stream itself', () => {
  test('the same options give the same stream; another typist seed gives another stream', () => {
    const take = (options: {seed: number; typist?: number}): string => JSON.stringify([...syntheticInputs({...options, count: 20_000})])
    assert.equal(take({seed: 5}), take({seed: 5}))
    assert.notEqual(take({seed: 5}), take({seed: 5, typist: 6}))
  })

  test('the daemon key pairing agrees: no press of a held key (it would be dropped as auto-repeat), the same holds', () => {
    const pairing = new KeyPairing()
    let releases = 0
    for (const {raw, tsMicros} of syntheticInputs({seed: 1, durationMs: DAY_MS, startMicros: MONDAY})) {
      if (raw.type === 4) assert.equal(pairing.press({code: raw.keycode!, timeMs: tsMicros / 1000}).kind, 'press')
      if (raw.type !== 5) continue
      const verdict = pairing.release({code: raw.keycode!, timeMs: tsMicros / 1000})
      assert.deepEqual(verdict, {kind: 'release', holdMs: raw.holdMs})
      releases++
    }

    assert.ok(releases > 10_000)
    assert.equal(pairing.repeats, 0)
  })
})
