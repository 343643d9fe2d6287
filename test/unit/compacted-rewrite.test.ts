import type {DuckDBConnection} from '@duckdb/node-api'

import assert from 'node:assert/strict'
import {
  mkdtempSync, rmSync,
} from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import {
  after, before, describe, test,
} from 'node:test'

import {enforceRetention} from '../../src/daemon/retention.js'
import {forgetOperation} from '../../src/privacy/forget.js'
import {coarseTransforms, HASHED_APP_PREFIX} from '../../src/privacy/profiles.js'
import {redactOperation} from '../../src/privacy/redact.js'
import {compactBefore, DAY_MICROS} from '../../src/store/compaction.js'
import {bytesOf, rows, withAccess} from '../helpers/access.js'

/**
 * forget, redact and retention on a database whose events sit in all four tables behind the
 * `events` view (migration 7): recent rows in events_live (µs), compacted moves, keystrokes (one
 * row for press and release) and everything else (ms). Every check compares what the view shows
 * after the rewrite with what it showed before, changed exactly as promised.
 */

const MS = 1000
const MINUTE = 60_000 * MS
const T0 = Date.UTC(2026, 0, 5, 10, 0, 0) * MS // µs
const SINCE = T0 + 3 * MINUTE
const UNTIL = T0 + 5 * MINUTE
const SENTINEL = 'SENTINEL-compacted-4e8b1d'
const LIVE_SENTINEL = 'SENTINEL-live-77a0c2'

const ts = (micros: number): string => `make_timestamp(${micros}::BIGINT)`

/**
 * Sessions 1 (hook) and 2 (evdev). Keystrokes every 250 ms across ten minutes, plus ones placed
 * on the bounds: a press before SINCE released after it, a press before UNTIL released after it,
 * one held across the whole range, and ones exactly on a bound. Moves of both sessions, clicks,
 * wheel and an unpaired key_up in events_other; µs rows in events_live inside and after the range.
 * Rows wholly inside the range carry SENTINEL (a NULL app on some), so none of it may survive forget.
 */
async function seed(file: string): Promise<void> {
  await withAccess(file, async (_access, c) => {
    await c.run(`INSERT INTO sessions (started_at, ended_at, level, backend) VALUES
      (${ts(T0)}, ${ts(T0 + 20 * MINUTE)}, 'full', 'hook'), (${ts(T0 + 2 * MINUTE)}, ${ts(T0 + 7 * MINUTE)}, 'full', 'evdev')`)
    const inside = (expression: string): string => `${expression} >= ${ts(SINCE)} AND ${expression} < ${ts(UNTIL)}`
    // Generated keystrokes: presses every 250 ms, held 40–179 ms, so some straddle each bound by chance too.
    await c.run(`INSERT INTO events_keys
      SELECT make_timestamp(${T0} + i * 250000 + 3000), 1, 40 + i * 37 % 140, 30 + i % 20, 'letter', CASE WHEN i % 7 = 0 THEN 'shift' END,
        CASE WHEN i % 11 = 0 THEN 'ctrl' END, 38 + i * 37 % 140, 'editor'
      FROM range(2400) t(i)`)
    // SENTINEL (or no app) only on keystrokes wholly inside the range.
    await c.run(`UPDATE events_keys SET app = CASE WHEN key_code % 5 = 0 THEN NULL ELSE '${SENTINEL}' END
      WHERE ${inside('ts')} AND ${inside('ts + to_milliseconds(up_after_ms)')}`)
    // On the bounds: press 50 ms before SINCE, released 70 ms after it; press 30 ms before UNTIL, released 90 ms after it (NULL app);
    // held across the whole range; a press exactly at SINCE and a release exactly at UNTIL.
    await c.run(`INSERT INTO events_keys VALUES
      (${ts(SINCE - 50 * MS)}, 1, 120, 142, 'modifier', 'shift', NULL, 118, 'editor'),
      (${ts(UNTIL - 30 * MS)}, 1, 120, 157, 'space', NULL, 'alt', 119, NULL),
      (${ts(SINCE - 10 * MS)}, 1, 150000, 129, 'modifier', NULL, 'ctrl', NULL, 'terminal'),
      (${ts(SINCE)}, 1, 60, 131, 'letter', NULL, NULL, 61, 'editor'),
      (${ts(UNTIL - 60 * MS)}, 1, 60, 132, 'letter', NULL, NULL, 59, 'editor')`)
    await c.run(`INSERT INTO events_moves
      SELECT make_timestamp(${T0} + i * 100000 + 1000), CASE WHEN i % 3 = 0 THEN 2 ELSE 1 END, 149 + i % 17, 51 + i % 13,
        CASE WHEN make_timestamp(${T0} + i * 100000 + 1000) >= ${ts(SINCE)} AND make_timestamp(${T0} + i * 100000 + 1000) < ${ts(UNTIL)}
          THEN (CASE WHEN i % 4 = 0 THEN NULL ELSE '${SENTINEL}' END) ELSE (CASE WHEN i % 4 = 0 THEN NULL ELSE 'browser' END) END
      FROM range(6000) t(i)`)
    await c.run(`INSERT INTO events_other (ts, session_id, kind, key_code, key_class, x, y, button, wheel_amount, wheel_direction, modifiers, app, hold_ms)
      SELECT make_timestamp(${T0} + i * 1000000 + 500000), 1, CASE i % 3 WHEN 0 THEN 'mouse_down' WHEN 1 THEN 'mouse_up' ELSE 'wheel' END,
        NULL, NULL, 333 + i, 777, CASE WHEN i % 3 < 2 THEN 1 END, CASE WHEN i % 3 = 2 THEN -3 END, CASE WHEN i % 3 = 2 THEN 'vertical' END, NULL,
        CASE WHEN make_timestamp(${T0} + i * 1000000 + 500000) >= ${ts(SINCE)} AND make_timestamp(${T0} + i * 1000000 + 500000) < ${ts(UNTIL)} THEN '${SENTINEL}' ELSE 'browser' END, NULL
      FROM range(600) t(i)`)
    await c.run(`INSERT INTO events_other VALUES (${ts(SINCE + 5 * MS)}, 1, 'key_up', 44, 'letter', NULL, NULL, NULL, NULL, NULL, NULL, '${SENTINEL}', NULL)`)
    await c.run(`INSERT INTO events_live
      SELECT make_timestamp(${T0} + i * 7001), 1, CASE WHEN i % 2 = 0 THEN 'key_down' ELSE 'mouse_move' END, CASE WHEN i % 2 = 0 THEN 30 END,
        CASE WHEN i % 2 = 0 THEN 'letter' END, CASE WHEN i % 2 = 1 THEN 151 END, CASE WHEN i % 2 = 1 THEN 49 END, NULL, NULL, NULL, NULL,
        CASE WHEN make_timestamp(${T0} + i * 7001) >= ${ts(SINCE)} AND make_timestamp(${T0} + i * 7001) < ${ts(UNTIL)} THEN '${LIVE_SENTINEL}' ELSE 'live' END, NULL
      FROM range(${Math.floor(3 * MINUTE / 7001)}, ${Math.floor(12 * MINUTE / 7001)}) t(i)`)
  })
}

/** Every row of the view, in one total order. */
const ALL = 'SELECT * FROM events ORDER BY ALL'
const IN_RANGE = `ts >= ${ts(SINCE)} AND ts < ${ts(UNTIL)}`

async function tableCounts(c: DuckDBConnection): Promise<Record<string, number>> {
  const [counts] = await rows(c, `SELECT (SELECT count(*) FROM events_live)::INTEGER AS live, (SELECT count(*) FROM events_moves)::INTEGER AS moves,
    (SELECT count(*) FROM events_keys)::INTEGER AS keys, (SELECT count(*) FROM events_other)::INTEGER AS other`)
  return counts as Record<string, number>
}

/** Keystrokes with one half on each side of the range's bounds: they must be split. */
const STRADDLING = `(ts >= ${ts(SINCE)} AND ts < ${ts(UNTIL)}) <> (ts + to_milliseconds(up_after_ms) >= ${ts(SINCE)} AND ts + to_milliseconds(up_after_ms) < ${ts(UNTIL)})`

describe('forget and redact over the compacted tables behind `events`', () => {
  let dir: string

  before(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'devtrace-compacted-rewrite-'))
  })

  after(() => rmSync(dir, {force: true, recursive: true}))

  async function seeded(name: string): Promise<{file: string; before: Array<Record<string, unknown>>; counts: Record<string, number>; straddling: number}> {
    const file = path.join(dir, `${name}.duckdb`)
    await seed(file)
    return withAccess(file, async (_a, c) => {
      const counts = await tableCounts(c)
      // Rows in all four tables, and keystrokes straddling each bound (the seed places some; the check below can fail).
      assert.ok(Object.values(counts).every(n => n > 0), JSON.stringify(counts))
      const [bounds] = await rows(c, `SELECT count(*) FILTER (WHERE ts < ${ts(SINCE)})::INTEGER AS at_since, count(*) FILTER (WHERE ts >= ${ts(SINCE)})::INTEGER AS at_until
        FROM events_keys WHERE ${STRADDLING}`)
      assert.ok(Number(bounds.at_since) >= 1 && Number(bounds.at_until) >= 1, JSON.stringify(bounds))
      return {
        file, before: await rows(c, ALL), counts, straddling: Number(bounds.at_since) + Number(bounds.at_until),
      }
    })
  }

  test('forget removes exactly the view\'s rows in the range; a keystroke split by a bound keeps its outside half; no byte of the range stays', async () => {
    const {file, counts, straddling} = await seeded('forget')
    const expected = await withAccess(file, async (_a, c) => rows(c, `SELECT * FROM events WHERE NOT (${IN_RANGE}) ORDER BY ALL`))
    const forgottenRows = await withAccess(file, async (_a, c) => Number((await rows(c, `SELECT count(*)::INTEGER AS n FROM events WHERE ${IN_RANGE}`))[0].n))
    assert.notEqual(bytesOf(file).indexOf(SENTINEL), -1, 'compacted sentinel planted')
    assert.notEqual(bytesOf(file).indexOf(LIVE_SENTINEL), -1, 'live sentinel planted')

    const result = await withAccess(file, async access => forgetOperation.run(access, {sinceMicros: SINCE, untilMicros: UNTIL}))
    assert.deepEqual(result.forgotten.events, forgottenRows)
    assert.equal(result.events_kept, expected.length)

    await withAccess(file, async (_a, c) => {
      assert.deepEqual(await rows(c, ALL), expected)
      const [{n: inside}] = await rows(c, `SELECT count(*)::INTEGER AS n FROM events WHERE ${IN_RANGE}`)
      assert.equal(inside, 0)
      // The split keystrokes left events_keys; their surviving halves are rows of events_other.
      const now = await tableCounts(c)
      const [{n: keysInside}] = await rows(c, `SELECT count(*)::INTEGER AS n FROM events_keys WHERE ${STRADDLING} OR ${IN_RANGE}`)
      assert.equal(keysInside, 0)
      assert.ok(now.keys < counts.keys - straddling + 1)
      assert.ok(now.other > counts.other - 200, JSON.stringify({now, counts}))
      // Compacted tables keep their millisecond timestamps.
      assert.deepEqual(await rows(c, 'SELECT table_name, data_type FROM duckdb_columns() WHERE column_name = \'ts\' AND table_name LIKE \'events_%\' ORDER BY 1'), [
        {table_name: 'events_keys', data_type: 'TIMESTAMP_MS'},
        {table_name: 'events_live', data_type: 'TIMESTAMP'},
        {table_name: 'events_moves', data_type: 'TIMESTAMP_MS'},
        {table_name: 'events_other', data_type: 'TIMESTAMP_MS'},
      ])
    })
    for (const sentinel of [SENTINEL, LIVE_SENTINEL]) {
      assert.equal(bytesOf(file).indexOf(sentinel), -1, `${sentinel} gone from the file`)
      assert.equal(bytesOf(`${file}.wal`).indexOf(sentinel), -1, `${sentinel} gone from the WAL`)
    }
  })

  test('retention forgets everything before its cutoff, splitting the keystroke held across it', async () => {
    const {file} = await seeded('retention')
    const cutoff = SINCE + 20 * MS // between the press and the release of the keystroke placed 50 ms before SINCE
    const expected = await withAccess(file, async (_a, c) => rows(c, `SELECT * FROM events WHERE ts >= ${ts(cutoff)} ORDER BY ALL`))
    const result = await withAccess(file, async access => enforceRetention(access, 1, cutoff / MS + 86_400_000))
    assert.equal(result?.cutoff, new Date(cutoff / MS).toISOString())
    await withAccess(file, async (_a, c) => {
      assert.deepEqual(await rows(c, ALL), expected)
      // The key held from 50 ms before SINCE to 70 ms after it: only its release is left.
      assert.deepEqual(await rows(c, 'SELECT kind, modifiers, hold_ms FROM events WHERE key_code = 142'), [{kind: 'key_up', modifiers: null, hold_ms: 118}])
    })
  })

  test('redact keys: key codes gone from every row of the range, halves outside it keep theirs, nothing else changes', async () => {
    const {file, before} = await seeded('keys')
    const expected = await withAccess(file, async (_a, c) => rows(c, `SELECT * REPLACE (CASE WHEN ${IN_RANGE} THEN NULL ELSE key_code END AS key_code) FROM events ORDER BY ALL`))
    assert.notDeepEqual(expected, before)
    const [{codes}] = await withAccess(file, async (_a, c) => rows(c, `SELECT count(key_code)::INTEGER AS codes FROM events WHERE ${IN_RANGE}`))
    const result = await withAccess(file, async access => redactOperation.run(access, {profile: 'keys', sinceMicros: SINCE, untilMicros: UNTIL}))
    assert.deepEqual(result.columns, {key_code: codes})
    await withAccess(file, async (_a, c) => {
      assert.deepEqual(await rows(c, ALL), expected)
      // The keystroke pressed before SINCE and released inside: its press keeps code 42, its release has none.
      assert.deepEqual(await rows(c, 'SELECT kind, key_code FROM events WHERE key_class = \'modifier\' AND (modifiers = \'shift\' OR hold_ms = 118) ORDER BY kind'), [
        {kind: 'key_down', key_code: 142}, {kind: 'key_up', key_code: null},
      ])
    })
  })

  test('on live rows compacted by compactBefore: forget gives the view\'s rows minus the range, with the keystrokes it paired split at both bounds', async () => {
    const file = path.join(dir, 'compacted-live.duckdb')
    const expected = await withAccess(file, async (_a, c) => {
      await c.run(`INSERT INTO sessions (started_at, ended_at, level, backend) VALUES (${ts(T0)}, ${ts(T0 + 20 * MINUTE)}, 'full', 'hook')`)
      // As the daemon writes them: a key_down, then its key_up 40–179 ms (and some µs) later with the hold time; moves between.
      await c.run(`INSERT INTO events_live SELECT make_timestamp(${T0} + i * 250000 + 3000), 1, 'key_down', 30 + i % 20, 'letter', NULL, NULL, NULL, NULL, NULL,
        CASE WHEN i % 7 = 0 THEN 'shift' END, CASE WHEN i % 5 = 0 THEN NULL ELSE '${SENTINEL}' END, NULL FROM range(2400) t(i)`)
      await c.run(`INSERT INTO events_live SELECT make_timestamp(${T0} + i * 250000 + 3000 + (40 + i * 37 % 140) * 1000 + 17), 1, 'key_up', 30 + i % 20, 'letter',
        NULL, NULL, NULL, NULL, NULL, NULL, CASE WHEN i % 5 = 0 THEN NULL ELSE '${SENTINEL}' END, 38 + i * 37 % 140 FROM range(2400) t(i)`)
      await c.run(`INSERT INTO events_live SELECT make_timestamp(${T0} + i * 100000 + 1234), 1, 'mouse_move', NULL, NULL, 149 + i % 17, 51 + i % 13,
        NULL, NULL, NULL, NULL, 'browser', NULL FROM range(6000) t(i)`)
      // Held across each bound.
      await c.run(`INSERT INTO events_live VALUES
        (${ts(SINCE - 50 * MS)}, 1, 'key_down', 142, 'modifier', NULL, NULL, NULL, NULL, NULL, 'shift', 'editor', NULL),
        (${ts(SINCE + 70 * MS + 5)}, 1, 'key_up', 142, 'modifier', NULL, NULL, NULL, NULL, NULL, NULL, 'editor', 118),
        (${ts(UNTIL - 30 * MS)}, 1, 'key_down', 157, 'space', NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL),
        (${ts(UNTIL + 90 * MS)}, 1, 'key_up', 157, 'space', NULL, NULL, NULL, NULL, NULL, 'alt', NULL, 119)`)
      await compactBefore(c, (Math.floor(T0 / DAY_MICROS) + 1) * DAY_MICROS)
      assert.deepEqual(await tableCounts(c), {
        live: 0, moves: 6000, keys: 2402, other: 0,
      })
      const [{n: straddling}] = await rows(c, `SELECT count(*)::INTEGER AS n FROM events_keys WHERE ${STRADDLING}`)
      assert.ok(Number(straddling) >= 2, `keystrokes across a bound: ${String(straddling)}`)
      return rows(c, `SELECT * FROM events WHERE NOT (${IN_RANGE}) ORDER BY ALL`)
    })
    const result = await withAccess(file, async access => forgetOperation.run(access, {sinceMicros: SINCE, untilMicros: UNTIL}))
    assert.equal(result.events_kept, expected.length)
    await withAccess(file, async (_a, c) => assert.deepEqual(await rows(c, ALL), expected))
  })

  test('redact coarse: each row of the range as the coarse profile shows it, evdev moves without positions, ts types kept, idempotent', async () => {
    const {file} = await seeded('coarse')
    const transforms = coarseTransforms()
    const inRange = (column: string, value: string): string => `CASE WHEN ${IN_RANGE} THEN ${value} ELSE ${column} END AS ${column}`
    const coarse = `* REPLACE (${inRange('key_code', 'NULL')}, ${['ts', 'x', 'y', 'app'].map(column => inRange(column, transforms[column])).join(', ')})`
    const expected = await withAccess(file, async (_a, c) => rows(c, `SELECT ${coarse} FROM events ORDER BY ALL`))
    const result = await withAccess(file, async access => redactOperation.run(access, {profile: 'coarse', sinceMicros: SINCE, untilMicros: UNTIL}))
    assert.ok(result.columns.ts > 0 && result.columns.x > 0 && result.columns.app > 0, JSON.stringify(result.columns))
    await withAccess(file, async (_a, c) => {
      assert.deepEqual(await rows(c, ALL), expected)
      const [check] = await rows(c, `SELECT count(*) FILTER (WHERE app IS NOT NULL AND NOT starts_with(app, '${HASHED_APP_PREFIX}'))::INTEGER AS plain_apps,
          count(key_code)::INTEGER AS codes, count(*) FILTER (WHERE epoch_us(ts) % 100000 <> 0)::INTEGER AS unrounded,
          count(*) FILTER (WHERE x % 100 <> 0)::INTEGER AS off_grid,
          count(x) FILTER (WHERE session_id = 2)::INTEGER AS evdev_positions
        FROM events WHERE ts >= ${ts(SINCE + 100 * MS)} AND ts < ${ts(UNTIL - 100 * MS)}`)
      assert.deepEqual(check, {
        plain_apps: 0, codes: 0, unrounded: 0, off_grid: 0, evdev_positions: 0,
      })
      // evdev moves in the range lost their position, which events_moves cannot hold: they are rows of events_other now.
      const [{moved}] = await rows(c, 'SELECT count(*)::INTEGER AS moved FROM events_other WHERE kind = \'mouse_move\' AND session_id = 2 AND x IS NULL')
      assert.ok(Number(moved) > 0)
      assert.deepEqual(await rows(c, 'SELECT DISTINCT data_type FROM duckdb_columns() WHERE column_name = \'ts\' AND table_name IN (\'events_moves\', \'events_keys\', \'events_other\')'), [
        {data_type: 'TIMESTAMP_MS'},
      ])
    })
    assert.equal(bytesOf(file).indexOf(SENTINEL), -1)
    assert.equal(bytesOf(file).indexOf(LIVE_SENTINEL), -1)

    const twice = await withAccess(file, async access => {
      const result = await redactOperation.run(access, {profile: 'coarse', sinceMicros: SINCE, untilMicros: UNTIL})
      return result.columns
    })
    assert.deepEqual(twice, {
      key_code: 0, ts: 0, x: 0, y: 0, app: 0,
    })
    await withAccess(file, async (_a, c) => assert.deepEqual(await rows(c, ALL), expected))
  })
})
