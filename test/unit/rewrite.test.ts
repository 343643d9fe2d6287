import type {DuckDBConnection} from '@duckdb/node-api'

import assert from 'node:assert/strict'
import {
  existsSync, mkdtempSync, readFileSync, rmSync, statSync,
} from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import {
  after, before, describe, test,
} from 'node:test'

import {refreshRollup} from '../../src/analysis/rollup.js'
import {forgetOperation} from '../../src/privacy/forget.js'
import {redactOperation} from '../../src/privacy/redact.js'
import {LocalAccess} from '../../src/store/local-access.js'

const T0 = Date.UTC(2026, 0, 5, 10, 0, 0) * 1000 // µs
const MINUTE = 60_000_000
const SENTINEL = 'SENTINEL-forget-me-7f3a9c'
const TITLE = 'TITLE-SENTINEL-bank-statement-q3'

async function rows(connection: DuckDBConnection, sql: string): Promise<Array<Record<string, unknown>>> {
  return (await connection.runAndReadAll(sql)).getRowObjectsJS() as Array<Record<string, unknown>>
}

/** Open, run, close: the file is free again afterwards (and fully checkpointed). */
async function withAccess<T>(file: string, work: (access: LocalAccess, connection: DuckDBConnection) => Promise<T>): Promise<T> {
  const access = await LocalAccess.open(file)
  const connection = await access.connect()
  try {
    return await work(access, connection)
  } finally {
    connection.closeSync()
    access.close()
  }
}

function bytesOf(file: string): Buffer {
  return existsSync(file) ? readFileSync(file) : Buffer.alloc(0)
}

/**
 * Minutes 0–9 of events (1000 a minute); minutes 3–4 carry the sentinel app. Three sessions:
 * one wholly inside minutes 3–5, one outside, one still running. A table made at run time with
 * a `ts` column (window titles, say) and one without.
 */
async function seed(file: string): Promise<void> {
  await withAccess(file, async (_access, connection) => {
    await connection.run(`INSERT INTO sessions (started_at, ended_at, level) VALUES
      (make_timestamp(${T0}), make_timestamp(${T0 + 2 * MINUTE}), 'full'),
      (make_timestamp(${T0 + 3 * MINUTE}), make_timestamp(${T0 + 5 * MINUTE}), 'full'),
      (make_timestamp(${T0 + 6 * MINUTE}), NULL, 'full')`)
    await connection.run(`INSERT INTO events_live
      SELECT make_timestamp(${T0} + i * 60000), 1, CASE WHEN i % 2 = 0 THEN 'key_down' ELSE 'mouse_move' END,
        CASE WHEN i % 2 = 0 THEN 30 END, CASE WHEN i % 2 = 0 THEN 'letter' END,
        CASE WHEN i % 2 = 1 THEN 149 + i % 7 END, CASE WHEN i % 2 = 1 THEN 51 END, NULL, NULL, NULL, NULL,
        CASE WHEN i >= 3000 AND i < 5000 THEN '${SENTINEL}' ELSE 'code' END, NULL
      FROM range(10000) t(i)`)
    await connection.run('INSERT INTO audit_log (ts, action, outcome) VALUES (now()::TIMESTAMP, \'export\', \'ok\')')
    await connection.run(`INSERT INTO windows (ts, session_id, app, title) VALUES
      (make_timestamp(${T0 + 3.5 * MINUTE}), 2, 'firefox', '${TITLE}'), (make_timestamp(${T0 + 8 * MINUTE}), 3, 'code', 'notes.md')`)
    // Tables made at run time, not by a migration: copied all the same (ids continuing).
    await connection.run('CREATE SEQUENCE note_seq START 1')
    await connection.run('CREATE TABLE notes (id INTEGER DEFAULT nextval(\'note_seq\'), ts TIMESTAMP, app VARCHAR, title VARCHAR)')
    await connection.run(`INSERT INTO notes (ts, app, title) VALUES
      (make_timestamp(${T0 + 3.5 * MINUTE}), 'firefox', '${TITLE}-2'), (make_timestamp(${T0 + 8 * MINUTE}), 'code', 'notes.md')`)
    await connection.run('CREATE TABLE prefs (k VARCHAR, v VARCHAR)')
    await connection.run('INSERT INTO prefs VALUES (\'theme\', \'dark\')')
    // The metrics rollup, current up to an hour after the last event: it holds app names per slot.
    await refreshRollup(connection, {nowMicros: T0 + 60 * MINUTE})
  })
}

async function rollupEvents(connection: DuckDBConnection): Promise<Array<Record<string, unknown>>> {
  return rows(connection, `SELECT (SELECT sum(events)::INTEGER FROM rollup_slots) AS rolled, (SELECT count(*)::INTEGER FROM events) AS raw,
    (SELECT count(*)::INTEGER FROM rollup_slots WHERE app = '${SENTINEL}') AS sentinel_slots`)
}

describe('rewrite: forget and redact make a new file and swap it in', () => {
  let dir: string

  before(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'devtrace-rewrite-'))
  })

  after(() => rmSync(dir, {force: true, recursive: true}))

  test('forget removes exactly the range from every table with ts, keeps the rest, and leaves no byte of it', async () => {
    const file = path.join(dir, 'forget.duckdb')
    await seed(file)
    // The check below can fail: the sentinel is in the raw bytes before.
    assert.notEqual(bytesOf(file).indexOf(SENTINEL), -1, 'sentinel planted in the file')
    assert.notEqual(bytesOf(file).indexOf(TITLE), -1, 'title planted in the file')
    const {salt, versions} = await withAccess(file, async (_a, c) => {
      assert.deepEqual(await rollupEvents(c), [{rolled: 10_000, raw: 10_000, sentinel_slots: 1}])
      return {salt: (await rows(c, 'SELECT value FROM meta'))[0].value, versions: await rows(c, 'SELECT version FROM schema_version ORDER BY version')}
    })

    const result = await withAccess(file, async access => forgetOperation.run(access, {sinceMicros: T0 + 3 * MINUTE, untilMicros: T0 + 5 * MINUTE}))
    assert.deepEqual(
      {
        ...result, seconds: 0, bytes_before: 0, bytes_after: 0, swapped_at: '',
      },
      {
        range_start: '2026-01-05T10:03:00.000Z',
        range_end: '2026-01-05T10:05:00.000Z',
        forgotten: {events: 2000, sessions: 1},
        events_kept: 8000,
        database: file,
        bytes_before: 0,
        bytes_after: 0,
        seconds: 0,
        swapped_at: '',
        audit_id: 2,
      },
    )

    assert.equal(bytesOf(file).indexOf(SENTINEL), -1, 'sentinel gone from the database file')
    assert.equal(bytesOf(file).indexOf(TITLE), -1, 'title gone from the database file')
    assert.equal(bytesOf(`${file}.wal`).indexOf(SENTINEL), -1, 'sentinel gone from the WAL')
    assert.equal(existsSync(`${file}.rewrite`), false)
    assert.equal((statSync(file).mode & 0o777).toString(8), '600')

    await withAccess(file, async (_access, c) => {
      assert.deepEqual(await rows(c, `SELECT count(*)::INTEGER AS n, count(*) FILTER (WHERE ts >= make_timestamp(${T0 + 3 * MINUTE})
        AND ts < make_timestamp(${T0 + 5 * MINUTE}))::INTEGER AS inside FROM events`), [{n: 8000, inside: 0}])
      assert.deepEqual(await rows(c, 'SELECT id, ended_at IS NULL AS running FROM sessions ORDER BY id'), [{id: 1, running: false}, {id: 3, running: true}])
      assert.deepEqual(await rows(c, 'SELECT title FROM windows ORDER BY ts'), [{title: 'notes.md'}])
      assert.deepEqual(await rows(c, 'SELECT id, title FROM notes ORDER BY id'), [{id: 2, title: 'notes.md'}])
      // The rollup was rebuilt for the range: it adds up to the events left, and the sentinel app is gone from it.
      assert.deepEqual(await rollupEvents(c), [{rolled: 8000, raw: 8000, sentinel_slots: 0}])
      assert.deepEqual(await rows(c, 'SELECT * FROM prefs'), [{k: 'theme', v: 'dark'}])
      assert.deepEqual(await rows(c, 'SELECT id, action, outcome, rows::INTEGER AS rows FROM audit_log ORDER BY id'), [
        {
          id: 1, action: 'export', outcome: 'ok', rows: null,
        },
        {
          id: 2, action: 'forget', outcome: 'ok', rows: 2000,
        },
      ])
      assert.deepEqual(await rows(c, 'SELECT version FROM schema_version ORDER BY version'), versions)
      assert.deepEqual(await rows(c, 'SELECT value FROM meta'), [{value: salt}])
      // Sequences continue: ids are never reused.
      await c.run('INSERT INTO sessions (started_at, level) VALUES (now()::TIMESTAMP, \'full\')')
      await c.run('INSERT INTO notes (ts) VALUES (now()::TIMESTAMP)')
      assert.deepEqual(await rows(c, 'SELECT max(id) AS id FROM sessions'), [{id: 4}])
      assert.deepEqual(await rows(c, 'SELECT max(id) AS id FROM notes'), [{id: 3}])
    })
  })

  test('redact coarse rewrites the range only: hashed apps, grid, rounding, no key codes, no titles', async () => {
    const file = path.join(dir, 'redact.duckdb')
    await seed(file)
    assert.notEqual(bytesOf(file).indexOf(SENTINEL), -1)
    const result = await withAccess(file, async access => redactOperation.run(access, {profile: 'coarse', sinceMicros: T0 + 3 * MINUTE, untilMicros: T0 + 5 * MINUTE}))
    assert.deepEqual({rows: result.rows, columns: result.columns, audit_id: result.audit_id}, {
      // Every time in the range is on a 60 ms step: 4 in 5 are off the 100 ms grid.
      rows: 2000, columns: {
        key_code: 1000, ts: 1600, x: 1000, y: 1000, app: 2000,
      }, audit_id: 2,
    })
    assert.equal(bytesOf(file).indexOf(SENTINEL), -1)
    assert.equal(bytesOf(file).indexOf(TITLE), -1)
    await withAccess(file, async (_access, c) => {
      const inside = `ts >= make_timestamp(${T0 + 3 * MINUTE}) AND ts < make_timestamp(${T0 + 5 * MINUTE})`
      assert.deepEqual(await rows(c, `SELECT count(*)::INTEGER AS n, count(key_code)::INTEGER AS codes, count(DISTINCT app)::INTEGER AS apps,
          bool_and(app LIKE '#%') AS hashed, bool_and(x IS NULL OR x % 100 = 0) AS grid, bool_and(epoch_us(ts) % 100000 = 0) AS rounded
        FROM events WHERE ${inside}`), [{
        n: 2000, codes: 0, apps: 1, hashed: true, grid: true, rounded: true,
      }])
      assert.deepEqual(await rows(c, `SELECT count(*)::INTEGER AS n, count(key_code)::INTEGER AS codes, bool_and(app = 'code') AS plain
        FROM events WHERE NOT (${inside})`), [{n: 8000, codes: 4000, plain: true}])
      for (const table of ['windows', 'notes']) {
        assert.deepEqual(await rows(c, `SELECT title, app LIKE '#%' AS hashed FROM ${table} ORDER BY ts`), [{title: null, hashed: true}, {title: 'notes.md', hashed: false}])
      }

      assert.deepEqual(await rollupEvents(c), [{rolled: 10_000, raw: 10_000, sentinel_slots: 0}])
    })
  })

  test('redact coarse drops the positions of evdev sessions (device units) and grids the hook\'s pixels; a second pass changes nothing', async () => {
    const file = path.join(dir, 'evdev.duckdb')
    await seed(file)
    // Minute 3 was captured through evdev (session 2), on positions that happen to lie on the grid.
    await withAccess(file, async (_access, c) => {
      await c.run('UPDATE sessions SET backend = \'evdev\' WHERE id = 2')
      await c.run(`UPDATE events_live SET session_id = 2, x = CASE WHEN x IS NOT NULL THEN 200 END WHERE ts >= make_timestamp(${T0 + 3 * MINUTE}) AND ts < make_timestamp(${T0 + 4 * MINUTE})`)
    })
    const range = {profile: 'coarse' as const, sinceMicros: T0 + 3 * MINUTE, untilMicros: T0 + 5 * MINUTE}
    const first = await withAccess(file, async access => redactOperation.run(access, range))
    // 500 evdev moves lose x and y (on the grid or not), 500 hook moves are snapped.
    assert.deepEqual([first.columns.x, first.columns.y], [1000, 1000])
    await withAccess(file, async (_access, c) => {
      assert.deepEqual(await rows(c, `SELECT session_id, count(*)::INTEGER AS moves, count(x)::INTEGER AS xs, count(y)::INTEGER AS ys,
          bool_and(x IS NULL OR x % 100 = 0) AS grid
        FROM events WHERE kind = 'mouse_move' AND ts >= make_timestamp(${T0 + 3 * MINUTE}) AND ts < make_timestamp(${T0 + 5 * MINUTE})
        GROUP BY 1 ORDER BY 1`), [{
        session_id: 1, moves: 500, xs: 500, ys: 500, grid: true,
      }, {
        session_id: 2, moves: 500, xs: 0, ys: 0, grid: true,
      }])
    })
    const second = await withAccess(file, async access => redactOperation.run(access, range))
    assert.deepEqual([second.columns.x, second.columns.y], [0, 0])
  })

  test('redact keys drops key codes in the range and changes nothing else', async () => {
    const file = path.join(dir, 'keys.duckdb')
    await seed(file)
    const before = await withAccess(file, async (_a, c) => rows(c, 'SELECT * EXCLUDE (key_code) FROM events'))
    const result = await withAccess(file, async access => redactOperation.run(access, {profile: 'keys', sinceMicros: T0, untilMicros: T0 + 5 * MINUTE}))
    assert.deepEqual(result.columns, {key_code: 2500})
    await withAccess(file, async (_a, c) => {
      assert.deepEqual(await rows(c, 'SELECT * EXCLUDE (key_code) FROM events'), before)
      assert.deepEqual(await rows(c, 'SELECT count(key_code)::INTEGER AS n FROM events'), [{n: 2500}])
    })
  })

  test('redact aggregate is refused: it would delete the events', async () => {
    const file = path.join(dir, 'aggregate.duckdb')
    await seed(file)
    await withAccess(file, async access => {
      await assert.rejects(redactOperation.run(access, {profile: 'aggregate'}), {name: 'UsageError', message: /would delete every event/})
    })
  })
})
