import {type DuckDBConnection, DuckDBInstance} from '@duckdb/node-api'
import assert from 'node:assert/strict'
import {mkdtempSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import path from 'node:path'
import {
  after, before, describe, test,
} from 'node:test'

import {syntheticEvents} from '../../src/demo/demo-data.js'
import {compactBefore, DAY_MICROS, liveDaysBefore} from '../../src/store/compaction.js'
import {EventWriter} from '../../src/store/event-writer.js'
import {migrate} from '../../src/store/schema.js'

/** 2026-03-02 00:00 UTC. */
const DAY0 = Date.UTC(2026, 2, 2) * 1000
const MS = 1000

/** Every row of `events`, times floored to the ms (what compaction keeps), in a total order. */
const EVENTS_AT_MS = 'SELECT * REPLACE (epoch_ms(epoch_ms(ts))::TIMESTAMP AS ts) FROM events ORDER BY ALL'

async function rows(connection: DuckDBConnection, sql: string): Promise<unknown[][]> {
  return (await connection.runAndReadAll(sql)).getRowsJS()
}

async function counts(connection: DuckDBConnection): Promise<Record<string, number>> {
  const [row] = (await connection.runAndReadAll(`SELECT
    (SELECT count(*) FROM events_live)::INTEGER AS live, (SELECT count(*) FROM events_moves)::INTEGER AS moves,
    (SELECT count(*) FROM events_keys)::INTEGER AS keys, (SELECT count(*) FROM events_other)::INTEGER AS other`)).getRowObjectsJS()
  return row as Record<string, number>
}

/**
 * Rows that test every way a row can go: `(µs offset from DAY0, session, kind, key_code,
 * key_class, x, y, button, wheel_amount, wheel_direction, modifiers, app, hold_ms)`.
 */
const EDGE_ROWS = [
  // A keystroke at full level, and one whose release came with shift held.
  [1_000_123, 1, 'key_down', 30, 'letter', null, null, null, null, null, null, 'editor', null],
  [1_090_999, 1, 'key_up', 30, 'letter', null, null, null, null, null, null, 'editor', 91],
  [2_000_001, 1, 'key_down', 42, 'modifier', null, null, null, null, null, null, 'editor', null],
  [2_000_500, 1, 'key_down', 31, 'letter', null, null, null, null, null, 'shift', 'editor', null],
  [2_080_000, 1, 'key_up', 31, 'letter', null, null, null, null, null, 'shift', 'editor', 80],
  [2_150_000, 1, 'key_up', 42, 'modifier', null, null, null, null, null, null, 'editor', 150],
  // Repeats of the same code: down, down (a missed release), up, up (an up with no down left).
  [3_000_000, 1, 'key_down', 30, 'letter', null, null, null, null, null, null, 'editor', null],
  [3_100_000, 1, 'key_down', 30, 'letter', null, null, null, null, null, null, 'editor', null],
  [3_200_000, 1, 'key_up', 30, 'letter', null, null, null, null, null, null, 'editor', 100],
  [3_300_000, 1, 'key_up', 30, 'letter', null, null, null, null, null, null, 'editor', null],
  // Same code in another app and another session: never paired across either.
  [4_000_000, 1, 'key_down', 30, 'letter', null, null, null, null, null, null, 'browser', null],
  [4_050_000, 1, 'key_up', 30, 'letter', null, null, null, null, null, null, 'editor', 50],
  [4_100_000, 2, 'key_up', 30, 'letter', null, null, null, null, null, null, 'browser', 60],
  // Standard level (no code) and a NULL app; equal stamps at the µs and at the ms.
  [5_000_000, 1, 'key_down', null, 'letter', null, null, null, null, null, null, null, null],
  [5_000_000, 1, 'key_down', null, 'letter', null, null, null, null, null, null, null, null],
  [5_000_400, 1, 'key_up', null, 'letter', null, null, null, null, null, null, null, 30],
  [5_000_900, 1, 'key_up', null, 'letter', null, null, null, null, null, null, null, 31],
  // A key_down that carries a hold (not what the daemon writes): kept whole, in events_other.
  [6_000_000, 1, 'key_down', null, 'digit', null, null, null, null, null, null, 'editor', 12],
  [6_010_000, 1, 'key_up', null, 'digit', null, null, null, null, null, null, 'editor', 10],
  // Moves: plain, with modifiers held, at NULL app, evdev session 3 (device units, negative).
  [7_000_000, 1, 'mouse_move', null, null, 100, 200, null, null, null, null, 'editor', null],
  [7_000_700, 1, 'mouse_move', null, null, 101, 200, null, null, null, 'ctrl', 'editor', null],
  [7_001_000, 1, 'mouse_move', null, null, 102, 201, null, null, null, null, null, null],
  [7_002_000, 3, 'mouse_move', null, null, -40, -7, null, null, null, null, 'term', null],
  // Clicks, wheel, and minimal-level rows (time and kind only).
  [8_000_000, 1, 'mouse_down', null, null, 100, 200, 1, null, null, null, 'editor', null],
  [8_090_000, 1, 'mouse_up', null, null, 100, 200, 1, null, null, 'shift', 'editor', null],
  [8_500_000, 1, 'wheel', null, null, 100, 200, null, -3, 'vertical', null, 'editor', null],
  [9_000_000, 4, 'key_down', null, null, null, null, null, null, null, null, null, null],
  [9_100_000, 4, 'key_up', null, null, null, null, null, null, null, null, null, null],
  [9_200_000, 4, 'mouse_move', null, null, null, null, null, null, null, null, null, null],
  [9_300_000, 4, 'mouse_down', null, null, null, null, null, null, null, null, null, null],
  // A key held across the end of the day: its down is compacted alone, its up stays live.
  [DAY_MICROS - 50_000, 1, 'key_down', 33, 'letter', null, null, null, null, null, null, 'editor', null],
  [DAY_MICROS + 40_000, 1, 'key_up', 33, 'letter', null, null, null, null, null, null, 'editor', 90],
] as const

function sqlValue(value: null | number | string): string {
  if (value === null) return 'NULL'
  return typeof value === 'number' ? String(value) : `'${value}'`
}

describe('compaction: past days of events_live into the compact tables', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'devtrace-compaction-'))
  const file = path.join(dir, 'events.duckdb')
  let instance: DuckDBInstance
  let connection: DuckDBConnection

  before(async () => {
    instance = await DuckDBInstance.create(file)
    connection = await instance.connect()
    await migrate(connection, file)
    const values = EDGE_ROWS.map(([offset, ...rest]) => `(make_timestamp(${DAY0 + offset}), ${rest.map(value => sqlValue(value)).join(', ')})`)
    await connection.run(`INSERT INTO events_live VALUES ${values.join(',\n')}`)
    // Two days of realistic input (moves at 100 Hz, typing with holds) through the daemon's writer.
    for (const [session, start] of [[5, DAY0 + 10 * 3600 * 1_000_000], [6, DAY0 + DAY_MICROS + 9 * 3600 * 1_000_000]]) {
      const writer = await EventWriter.open(connection, session)
      writer.append([...syntheticEvents({startMicros: start, durationMs: 20 * 60 * 1000, seed: session})])
      writer.close()
    }
  })

  after(() => {
    connection.closeSync()
    instance.closeSync()
    rmSync(dir, {force: true, recursive: true})
  })

  test('events gives back every row, at the ms, and only rows before the bound move', async () => {
    const before = await rows(connection, EVENTS_AT_MS)
    const bound = DAY0 + DAY_MICROS // the start of the second day: only the first is compacted
    assert.deepEqual(await liveDaysBefore(connection, bound), [DAY0])
    const progress: unknown[] = []
    const result = await compactBefore(connection, bound, async step => {
      progress.push(step)
    })
    assert.equal(result.days, 1)
    assert.deepEqual(progress, [{pending_days: 0, done_days: 1}])
    assert.deepEqual(await rows(connection, EVENTS_AT_MS), before)
    const [{n: leftBefore}] = (await connection.runAndReadAll(`SELECT count(*)::INTEGER AS n FROM events_live WHERE ts < make_timestamp(${bound})`)).getRowObjectsJS()
    assert.equal(leftBefore, 0)
    const after = await counts(connection)
    assert.ok(after.moves > 1000, `moves compacted: ${after.moves}`)
    assert.ok(after.keys > 100, `keystrokes compacted: ${after.keys}`)
    assert.equal(result.events, after.moves + 2 * after.keys + after.other)

    // The second day too; then nothing is left before it, and a second pass changes nothing.
    await compactBefore(connection, DAY0 + 2 * DAY_MICROS)
    assert.deepEqual(await rows(connection, EVENTS_AT_MS), before)
    assert.equal((await counts(connection)).live, 0)
    const again = await compactBefore(connection, DAY0 + 2 * DAY_MICROS)
    assert.deepEqual(again, {days: 0, events: 0})
  })

  test('each edge case lands where it should', async () => {
    const placed = async (sql: string): Promise<unknown[][]> => rows(connection, sql)
    // The full-level keystroke: press at the ms, release 89 ms later (1.090999 s floors to 1.090), hold kept.
    assert.deepEqual(await placed(`SELECT (epoch_ms(ts) - ${DAY0 / MS})::INTEGER, up_after_ms, key_code, modifiers, up_modifiers, hold_ms, app FROM events_keys
      WHERE session_id = 1 AND key_code IN (30, 31) AND app = 'editor' ORDER BY ts`), [
      [1000, 90, 30, null, null, 91, 'editor'],
      [2000, 80, 31, 'shift', 'shift', 80, 'editor'],
      [3100, 100, 30, null, null, 100, 'editor'],
    ])
    // The repeated down, the lone ups, the second of two equal downs' partner, the down with a hold,
    // the cross-app and cross-session ups, and the key held past midnight (its up alone the next day).
    assert.deepEqual(await placed(`SELECT (epoch_ms(ts) - ${DAY0 / MS})::INTEGER, session_id, kind, key_code, app, hold_ms FROM events_other
      WHERE kind IN ('key_down', 'key_up') AND key_class IS NOT NULL AND session_id IN (1, 2) ORDER BY ts, kind`), [
      [3000, 1, 'key_down', 30, 'editor', null],
      [3300, 1, 'key_up', 30, 'editor', null],
      [4000, 1, 'key_down', 30, 'browser', null],
      [4050, 1, 'key_up', 30, 'editor', 50],
      [4100, 2, 'key_up', 30, 'browser', 60],
      [5000, 1, 'key_down', null, null, null],
      [5000, 1, 'key_up', null, null, 31],
      [6000, 1, 'key_down', null, 'editor', 12],
      [6010, 1, 'key_up', null, 'editor', 10],
      [DAY_MICROS / MS - 50, 1, 'key_down', 33, 'editor', null],
      [DAY_MICROS / MS + 40, 1, 'key_up', 33, 'editor', 90],
    ])
    // A move with modifiers and the minimal rows keep the wide shape; plain moves (evdev too) are narrow.
    assert.deepEqual(await placed('SELECT kind, x, modifiers FROM events_other WHERE session_id IN (1, 4) AND kind IN (\'mouse_move\', \'mouse_down\') ORDER BY ts'), [
      ['mouse_move', 101, 'ctrl'],
      ['mouse_down', 100, null],
      ['mouse_move', null, null],
      ['mouse_down', null, null],
    ])
    assert.deepEqual(await placed('SELECT session_id, x, y, app FROM events_moves WHERE session_id IN (1, 3) ORDER BY ts'), [
      [1, 100, 200, 'editor'],
      [1, 102, 201, null],
      [3, -40, -7, 'term'],
    ])
    // Minimal key rows pair like any other (no class, no code: the same key as far as is known).
    assert.deepEqual(await placed('SELECT up_after_ms, key_class FROM events_keys WHERE session_id = 4'), [[100, null]])
  })

  test('the compact tables are in time order, so a reader that follows seq reads them in order', async () => {
    for (const table of ['events_moves', 'events_keys', 'events_other']) {
      const [{bad}] = (await connection.runAndReadAll(`SELECT count(*)::INTEGER AS bad FROM (SELECT ts < lag(ts) OVER (ORDER BY rowid) AS back FROM ${table}) WHERE back`)).getRowObjectsJS()
      assert.equal(bad, 0, table)
    }
  })
})
