import type {DuckDBConnection} from '@duckdb/node-api'

import {DuckDBInstance} from '@duckdb/node-api'
import assert from 'node:assert/strict'
import {createHash} from 'node:crypto'
import {describe, test} from 'node:test'

import {
  AGGREGATE_COLUMNS, COARSE_COLUMNS, type ProfileOrNone, profileSelect,
} from '../../src/privacy/profiles.js'
import {type EventFilter} from '../../src/store/event-queries.js'
import {migrate} from '../../src/store/schema.js'

const T0 = Date.UTC(2026, 0, 5, 10, 0, 0) * 1000 // 2026-01-05 10:00:00 UTC, in µs
const S = 1_000_000

interface Row {
  ts: number
  kind: string
  key_code?: number
  key_class?: string
  x?: number
  y?: number
  button?: number
  wheel_amount?: number
  wheel_direction?: string
  modifiers?: string
  app?: string
  hold_ms?: number
  session_id?: number
}

/** Sessions to plant, by id: the capture backend each recorded with. */
type Backends = Record<number, 'evdev' | 'hook'>

async function withEvents<T>(rows: Row[], work: (connection: DuckDBConnection) => Promise<T>, backends: Backends = {}): Promise<T> {
  const instance = await DuckDBInstance.create(':memory:')
  const connection = await instance.connect()
  try {
    await migrate(connection, ':memory:')
    for (const [id, backend] of Object.entries(backends)) {
      await connection.run('INSERT INTO sessions (id, started_at, level, backend) VALUES ($id::INTEGER, make_timestamp($ts::BIGINT), \'standard\', $backend)', {id: Number(id), ts: T0, backend})
    }

    for (const row of rows) {
      await connection.run(
        `INSERT INTO events_live VALUES (make_timestamp($ts::BIGINT), $session::INTEGER, $kind, $key_code::INTEGER, $key_class::VARCHAR, $x::INTEGER, $y::INTEGER,
          $button::TINYINT, $wheel_amount::SMALLINT, $wheel_direction::VARCHAR, $modifiers::VARCHAR, $app::VARCHAR, $hold_ms::INTEGER)`,
        {
          ts: row.ts, session: row.session_id ?? 1, kind: row.kind, key_code: row.key_code ?? null, key_class: row.key_class ?? null, x: row.x ?? null, y: row.y ?? null,
          button: row.button ?? null, wheel_amount: row.wheel_amount ?? null, wheel_direction: row.wheel_direction ?? null,
          modifiers: row.modifiers ?? null, app: row.app ?? null, hold_ms: row.hold_ms ?? null,
        },
      )
    }

    return await work(connection)
  } finally {
    connection.closeSync()
    instance.closeSync()
  }
}

/** The profile's rows as plain objects, its time column as ISO text (µs). */
async function select(connection: DuckDBConnection, profile: ProfileOrNone, filter: EventFilter = {}, idleSeconds?: number): Promise<{columns: string[]; rows: Array<Record<string, unknown>>}> {
  const {sql, params} = profileSelect(profile, filter, {idleSeconds})
  const time = profile === 'aggregate' ? 'minute' : 'ts'
  const reader = await connection.runAndReadAll(`SELECT * REPLACE (strftime(${time}, '%Y-%m-%dT%H:%M:%S.%fZ') AS ${time}) FROM (${sql})`, params)
  return {columns: reader.columnNames(), rows: reader.getRowObjectsJS() as Array<Record<string, unknown>>}
}

async function salt(connection: DuckDBConnection): Promise<string> {
  const reader = await connection.runAndReadAll('SELECT value FROM meta WHERE key = \'app_salt\'')
  return String(reader.getRowObjects()[0].value)
}

const iso = (micros: number): string => {
  const text = new Date(Math.floor(micros / 1000)).toISOString()
  return `${text.slice(0, -1)}${String(micros % 1000).padStart(3, '0')}Z`
}

/** Every per-event column but ts and kind, as NULL, in the order profiles return them. */
const empty = {
  ts: '', session_id: 1, kind: '', key_class: null, x: null, y: null, button: null, wheel_amount: null, wheel_direction: null, modifiers: null, app: null,
}

describe('profile SQL on hand-built rows', () => {
  test('none: the rows as stored, key codes included', async () => {
    await withEvents([{
      ts: T0 + 1, kind: 'key_down', key_code: 30, key_class: 'letter',
    }], async connection => {
      const {columns, rows} = await select(connection, 'none')
      assert.equal(columns.includes('key_code'), true)
      assert.equal(rows[0].key_code, 30)
    })
  })

  test('keys: every column but key_code, values unchanged (hold times included)', async () => {
    await withEvents([
      {
        ts: T0 + 123_456, kind: 'key_down', key_code: 30, key_class: 'letter', modifiers: 'shift', app: 'code',
      },
      {
        ts: T0 + 210_000, kind: 'key_up', key_code: 30, key_class: 'letter', app: 'code', hold_ms: 87,
      },
      {
        ts: T0 + 223_456, kind: 'mouse_down', x: 151, y: 49, button: 1, app: 'code',
      },
    ], async connection => {
      const {columns, rows} = await select(connection, 'keys')
      assert.deepEqual(columns, ['ts', 'session_id', 'kind', 'key_class', 'x', 'y', 'button', 'wheel_amount', 'wheel_direction', 'modifiers', 'app', 'hold_ms'])
      assert.deepEqual(rows, [
        {
          ...empty, ts: '2026-01-05T10:00:00.123456Z', kind: 'key_down', key_class: 'letter', modifiers: 'shift', app: 'code', hold_ms: null,
        },
        {
          ...empty, ts: '2026-01-05T10:00:00.210000Z', kind: 'key_up', key_class: 'letter', app: 'code', hold_ms: 87,
        },
        {
          ...empty, ts: '2026-01-05T10:00:00.223456Z', kind: 'mouse_down', x: 151, y: 49, button: 1, app: 'code', hold_ms: null,
        },
      ])
    })
  })

  test('coarse and aggregate drop hold times (a biometric); none keeps them', async () => {
    await withEvents([{
      ts: T0, kind: 'key_up', key_code: 30, key_class: 'letter', app: 'code', hold_ms: 87,
    }], async connection => {
      for (const profile of ['coarse', 'aggregate'] as const) {
        const {columns} = await select(connection, profile)
        assert.ok(!columns.includes('hold_ms'), profile)
      }

      assert.equal((await select(connection, 'none')).rows[0].hold_ms, 87)
    })
  })

  test('coarse: no key code, times rounded to 100 ms, positions on a 100 px grid, apps hashed with the database salt', async () => {
    await withEvents([
      {
        ts: T0 + 49_999, kind: 'key_down', key_code: 30, key_class: 'letter', app: 'firefox',
      },
      {
        ts: T0 + 50_000, kind: 'mouse_down', x: 149, y: 150, button: 1,
      },
      {
        ts: T0 + 1_149_999, kind: 'wheel', x: -49, y: -50, wheel_amount: 1, wheel_direction: 'down', app: '#0123456789abcdef',
      },
      {
        ts: T0 + 2_000_000, kind: 'mouse_move', x: 250, y: 1049, modifiers: 'ctrl', app: 'firefox',
      },
    ], async connection => {
      const hash = '#' + createHash('sha256').update((await salt(connection)) + 'firefox').digest('hex').slice(0, 16)
      const {columns, rows} = await select(connection, 'coarse')
      assert.deepEqual(columns, [...COARSE_COLUMNS])
      assert.deepEqual(rows, [
        {
          ...empty, ts: '2026-01-05T10:00:00.000000Z', kind: 'key_down', key_class: 'letter', app: hash,
        },
        {
          ...empty, ts: '2026-01-05T10:00:00.100000Z', kind: 'mouse_down', x: 100, y: 200, button: 1,
        },
        // Already hashed (redacted in place earlier): left as it is, so coarse twice is coarse once.
        {
          ...empty, ts: '2026-01-05T10:00:01.100000Z', kind: 'wheel', x: 0, y: -100, wheel_amount: 1, wheel_direction: 'down', app: '#0123456789abcdef',
        },
        {
          ...empty, ts: '2026-01-05T10:00:02.000000Z', kind: 'mouse_move', x: 300, y: 1000, modifiers: 'ctrl', app: hash,
        },
      ])
    })
  })

  test('coarse: the 100 px grid only for pixel positions (hook sessions); evdev sessions\' integrated positions are dropped', async () => {
    await withEvents([
      {
        ts: T0, kind: 'mouse_move', x: 151, y: 249, session_id: 1,
      },
      {
        ts: T0 + S, kind: 'mouse_move', x: 151, y: 249, session_id: 2,
      },
      {
        ts: T0 + 2 * S, kind: 'wheel', x: -4420, y: 9, wheel_amount: 1, session_id: 2,
      },
      // A session without a row recorded before migration 6: the hook.
      {
        ts: T0 + 3 * S, kind: 'mouse_down', x: 49, y: 51, button: 1, session_id: 7,
      },
    ], async connection => {
      const {rows} = await select(connection, 'coarse')
      assert.deepEqual(rows.map(row => [row.session_id, row.kind, row.x, row.y]), [
        [1, 'mouse_move', 200, 200],
        [2, 'mouse_move', null, null],
        [2, 'wheel', null, null],
        [7, 'mouse_down', 0, 100],
      ])
      // The wheel itself is kept: only the position goes.
      assert.equal(rows[2].wheel_amount, 1)
    }, {1: 'hook', 2: 'evdev'})
  })

  test('aggregate: hook steps in mouse_distance_px, evdev steps in mouse_distance_counts, none across backends or evdev sessions', async () => {
    await withEvents([
      {
        ts: T0, kind: 'mouse_move', x: 0, y: 0, session_id: 1,
      },
      {
        ts: T0 + S, kind: 'mouse_move', x: 3, y: 4, session_id: 1, // 5 px
      },
      {
        ts: T0 + 2 * S, kind: 'mouse_move', x: 100, y: 100, session_id: 2, // another backend: no step
      },
      {ts: T0 + 2.5 * S, kind: 'key_down', session_id: 2},
      {
        ts: T0 + 3 * S, kind: 'mouse_move', x: 106, y: 108, session_id: 2, // 10 units
      },
      {
        ts: T0 + 61 * S, kind: 'mouse_move', x: 0, y: 0, session_id: 3, // a new evdev session: no step
      },
      {
        ts: T0 + 62 * S, kind: 'mouse_move', x: 0, y: 7, session_id: 3, // 7 units
      },
      {
        ts: T0 + 63 * S, kind: 'mouse_move', x: 0, y: 19, session_id: 1, // back to the hook: no step from (0, 7)
      },
    ], async connection => {
      const {rows} = await select(connection, 'aggregate')
      assert.deepEqual(rows.map(row => [row.minute, row.mouse_distance_px, row.mouse_distance_counts]), [
        [iso(T0), 5, 10],
        [iso(T0 + 60 * S), 0, 7],
      ])
    }, {1: 'hook', 2: 'evdev', 3: 'evdev'})
  })

  test('coarse: a different database salts differently, and a missing salt drops the app rather than leak it', async () => {
    const first = await withEvents([{ts: T0, kind: 'key_down', app: 'slack'}], async connection => (await select(connection, 'coarse')).rows[0].app)
    const second = await withEvents([{ts: T0, kind: 'key_down', app: 'slack'}], async connection => {
      const hashed = (await select(connection, 'coarse')).rows[0].app
      await connection.run('DELETE FROM meta')
      return [hashed, (await select(connection, 'coarse')).rows[0].app]
    })
    assert.match(String(first), /^#[0-9a-f]{16}$/)
    assert.match(String(second[0]), /^#[0-9a-f]{16}$/)
    assert.notEqual(first, second[0])
    assert.equal(second[1], null)
  })

  // Minute 0: keys, a path of 5 px, a click; minute 1: a gap crossing the boundary, a wheel, 5 px;
  // minute 2: nothing (a 100 s gap is idle at idle_seconds 30); minute 3: keys, one without a
  // class (minimal level); minute 4: a move 8 px from the last position, after an idle gap.
  const session: Row[] = [
    {
      ts: T0 + 10 * S, kind: 'key_down', key_code: 38, key_class: 'letter',
    },
    {
      ts: T0 + 10.1 * S, kind: 'key_up', key_code: 38, key_class: 'letter',
    },
    {
      ts: T0 + 20 * S, kind: 'key_down', key_code: 14, key_class: 'correction',
    },
    {
      ts: T0 + 20.1 * S, kind: 'key_up', key_code: 14, key_class: 'correction',
    },
    {
      ts: T0 + 30 * S, kind: 'mouse_move', x: 0, y: 0,
    },
    {
      ts: T0 + 40 * S, kind: 'mouse_move', x: 3, y: 4,
    },
    {
      ts: T0 + 50 * S, kind: 'mouse_down', x: 3, y: 4, button: 1,
    },
    {
      ts: T0 + 50.1 * S, kind: 'mouse_up', x: 3, y: 4, button: 1,
    },
    {
      ts: T0 + 70 * S, kind: 'wheel', x: 3, y: 4, wheel_amount: 2, wheel_direction: 'down',
    },
    {
      ts: T0 + 80 * S, kind: 'mouse_move', x: 6, y: 8,
    },
    {
      ts: T0 + 180 * S, kind: 'key_down', key_code: 2, key_class: 'digit',
    },
    {
      ts: T0 + 180.2 * S, kind: 'key_up', key_code: 2, key_class: 'digit',
    },
    {ts: T0 + 210 * S, kind: 'key_down'},
    {
      ts: T0 + 250 * S, kind: 'mouse_move', x: 6, y: 0,
    },
  ]
  const zero = {
    events: 0, keys: 0, keys_letter: 0, keys_digit: 0, keys_space: 0, keys_punctuation: 0, keys_modifier: 0, keys_navigation: 0,
    keys_correction: 0, keys_function: 0, keys_other: 0, keys_unclassified: 0, clicks: 0, wheel: 0, wheel_amount: 0, mouse_moves: 0,
    mouse_distance_px: 0, mouse_distance_counts: 0, active_seconds: 0,
  }

  test('aggregate: one row per minute with exact counts, distance and active time', async () => {
    await withEvents(session, async connection => {
      const {columns, rows} = await select(connection, 'aggregate', {}, 30)
      assert.deepEqual(columns, [...AGGREGATE_COLUMNS])
      assert.deepEqual(rows, [
        {
          ...zero, minute: iso(T0), events: 8, keys: 2, keys_letter: 1, keys_correction: 1, clicks: 1, mouse_moves: 2,
          mouse_distance_px: 5, active_seconds: 50,
        },
        {
          ...zero, minute: iso(T0 + 60 * S), events: 2, wheel: 1, wheel_amount: 2, mouse_moves: 1, mouse_distance_px: 5, active_seconds: 20,
        },
        {
          ...zero, minute: iso(T0 + 180 * S), events: 3, keys: 2, keys_digit: 1, keys_unclassified: 1, active_seconds: 30,
        },
        {
          ...zero, minute: iso(T0 + 240 * S), events: 1, mouse_moves: 1, mouse_distance_px: 8,
        },
      ])
    })
  })

  test('aggregate: minutes add up to the totals computed on the raw events, and no per-event column survives', async () => {
    await withEvents(session, async connection => {
      const {sql, params} = profileSelect('aggregate', {}, {idleSeconds: 30})
      const sums = await connection.runAndReadAll(
        `SELECT sum(events)::INTEGER AS events, sum(keys)::INTEGER AS keys, sum(clicks)::INTEGER AS clicks, sum(wheel)::INTEGER AS wheel,
           sum(mouse_moves)::INTEGER AS moves, sum(mouse_distance_px) AS px, sum(active_seconds) AS active FROM (${sql})`,
        params,
      )
      const raw = await connection.runAndReadAll(`SELECT count(*)::INTEGER AS events, count(*) FILTER (WHERE kind = 'key_down')::INTEGER AS keys,
           count(*) FILTER (WHERE kind = 'mouse_down')::INTEGER AS clicks, count(*) FILTER (WHERE kind = 'wheel')::INTEGER AS wheel,
           count(*) FILTER (WHERE kind = 'mouse_move')::INTEGER AS moves FROM events`)
      assert.deepEqual(sums.getRowObjectsJS(), [{...raw.getRowObjectsJS()[0], px: 18, active: 100}])
      for (const column of ['ts', 'key_code', 'key_class', 'x', 'y', 'app', 'kind']) {
        assert.equal((AGGREGATE_COLUMNS as readonly string[]).includes(column), false, column)
      }
    })
  })

  test('aggregate over a range: only the range\'s events, no distance or gap from before it', async () => {
    await withEvents(session, async connection => {
      const {rows} = await select(connection, 'aggregate', {sinceMicros: T0 + 60 * S, untilMicros: T0 + 240 * S}, 30)
      assert.deepEqual(rows, [
        {
          ...zero, minute: iso(T0 + 60 * S), events: 2, wheel: 1, wheel_amount: 2, mouse_moves: 1, mouse_distance_px: 5, active_seconds: 10,
        },
        {
          ...zero, minute: iso(T0 + 180 * S), events: 3, keys: 2, keys_digit: 1, keys_unclassified: 1, active_seconds: 30,
        },
      ])
    })
  })

  test('aggregate: idle_seconds decides which gaps are active (default 180 s)', async () => {
    await withEvents(session, async connection => {
      const {rows} = await select(connection, 'aggregate')
      // With 180 s every gap here is active: 10 s → 250 s is 240 s, spread over five minutes.
      assert.deepEqual(rows.map(row => [row.minute, row.active_seconds]), [
        [iso(T0), 50], [iso(T0 + 60 * S), 60], [iso(T0 + 120 * S), 60], [iso(T0 + 180 * S), 60], [iso(T0 + 240 * S), 10],
      ])
      assert.equal(rows[2].events, 0)
    })
  })

  test('a time range and kinds filter every profile the same way', async () => {
    await withEvents(session, async connection => {
      for (const profile of ['none', 'keys', 'coarse'] as const) {
        const {rows} = await select(connection, profile, {sinceMicros: T0 + 20 * S, untilMicros: T0 + 50 * S, kinds: ['mouse_move']})
        assert.deepEqual(rows.map(row => row.ts), ['2026-01-05T10:00:30.000000Z', '2026-01-05T10:00:40.000000Z'], profile)
      }
    })
  })
})
