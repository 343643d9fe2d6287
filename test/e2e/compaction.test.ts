import assert from 'node:assert/strict'
import {readFileSync, rmSync, writeFileSync} from 'node:fs'
import path from 'node:path'
import {describe, test} from 'node:test'

import {closeDatabase, openDatabase} from '../../src/store/open-database.js'
import {migrate} from '../../src/store/schema.js'
import {waitFor} from '../helpers/cli.js'
import {queryFile} from '../helpers/db.js'
import {usePrivateDisplay} from '../helpers/display-suite.js'
import {statusOf} from '../helpers/status.js'
import {fsMount, fsUnmount} from '../helpers/tmpfs.js'
import {xdotool} from '../helpers/xvfb.js'

/** Generous: the machine is shared; this is a liveness bound, not a performance claim. */
const PATIENCE_MS = 600_000
const DAY_US = 86_400_000_000
/** Past days of input in the old file, each compacted in its own transaction. */
const DAYS = 4
const PER_DAY = 3000
/** Ten days ago, 00:00 UTC: inside the default retention, before today (so all of it is compacted). */
const DAY0 = (Math.floor(Date.now() / 86_400_000) - 10) * DAY_US

/** The 12 columns every schema version has, times floored to the ms (what compaction keeps), in a total order. */
const OLD_COLUMNS_AT_MS = `SELECT epoch_ms(epoch_ms(ts))::TIMESTAMP AS ts, session_id, kind, key_code, key_class, x, y, button,
  wheel_amount, wheel_direction, modifiers, app FROM events ORDER BY ALL`

/**
 * A database as devtrace left it at schema version `upTo` (4: before hold times and the backend
 * column; 6: the release before compaction), with DAYS days of mixed input at µs stamps.
 */
async function oldDatabase(file: string, upTo: 4 | 6): Promise<void> {
  const db = await openDatabase(file)
  try {
    await migrate(db.connection, file, {upTo})
    // Version 6 records the backend of each session; before it, migration 6 sets it to 'hook'.
    await db.connection.run(`INSERT INTO sessions (id, started_at, ended_at, level, host, platform, version)
      VALUES (500, make_timestamp(${DAY0}), make_timestamp(${DAY0 + DAYS * DAY_US}), 'full', 'old', 'linux-x64', 'old')`)
    if (upTo >= 6) await db.connection.run('UPDATE sessions SET backend = \'hook\'')
    const hold = upTo >= 5 ? ', CASE WHEN i % 10 = 1 THEN 60 + i % 90 END' : ''
    // Per ten rows: a keystroke (down, up), six moves, a wheel notch and a click; every 50th row without an app.
    await db.connection.run(`INSERT INTO events
      SELECT make_timestamp(${DAY0} + d * ${DAY_US} + 9 * 3600000000 + i * 1000123 + (i % 10 = 1)::INTEGER * 70777),
        500,
        CASE i % 10 WHEN 0 THEN 'key_down' WHEN 1 THEN 'key_up' WHEN 8 THEN 'wheel' WHEN 9 THEN 'mouse_down' ELSE 'mouse_move' END,
        CASE WHEN i % 10 < 2 THEN 30 + (i // 10) % 5 END,
        CASE WHEN i % 10 < 2 THEN 'letter' END,
        CASE WHEN i % 10 >= 2 THEN (i * 13) % 1900 END,
        CASE WHEN i % 10 >= 2 THEN (i * 7) % 1000 END,
        CASE WHEN i % 10 = 9 THEN 1 END,
        CASE WHEN i % 10 = 8 THEN -1 END,
        CASE WHEN i % 10 = 8 THEN 'down' END,
        CASE WHEN i % 40 = 0 THEN 'ctrl' END,
        CASE WHEN i % 50 = 9 THEN NULL ELSE 'editor' END
        ${hold}
      FROM range(${DAYS}) r(d), range(${PER_DAY}) t(i)`)
    await db.connection.run('CHECKPOINT')
  } finally {
    closeDatabase(db)
  }
}

describe('migration 7 and the compaction of a migrated history, through the daemon', () => {
  const desk = usePrivateDisplay()

  for (const upTo of [6, 4] as const) {
    test(`a schema-${upTo} database: status shows the compaction day by day; every event is still there at the ms`, async () => {
      const s = desk.sandbox()
      const file = path.join(s.home, 'devtrace.duckdb')
      await oldDatabase(file, upTo)
      const before = await queryFile(file, OLD_COLUMNS_AT_MS)
      assert.equal(before.length, DAYS * PER_DAY)

      assert.equal((await s.run(['config', 'set', 'retention_days', '0'])).code, 0)
      // Test-only knob (src/daemon/scheduler.ts): while this file exists the compaction waits after each day.
      const gate = path.join(s.home, 'compaction-gate')
      writeFileSync(gate, '')
      s.env.DEVTRACE_TEST_COMPACTION_GATE = gate
      const start = await s.run(['start'])
      assert.equal(start.code, 0, start.stderr)

      // Held after its first day (committed), the compaction shows in status on a machine of any speed.
      const progress = await waitFor(async () => {
        const compaction = (await statusOf(s)).compaction as null | {done_days: number}
        return compaction && compaction.done_days > 0 ? compaction : null
      }, 'status to show the first day compacted', PATIENCE_MS)
      assert.deepEqual(progress, {pending_days: DAYS - 1, done_days: 1})
      const human = await s.run(['status'])
      assert.match(human.stdout, /compaction\s+1 of 4 past days compacted in the background/)
      // Meanwhile the view answers for every event, compacted or not.
      const counted = await s.run(['query', 'SELECT count(*) AS n FROM events', '--json'])
      assert.equal(counted.code, 0, counted.stderr)
      assert.deepEqual(JSON.parse(counted.stdout), [{n: DAYS * PER_DAY}])

      rmSync(gate)
      await waitFor(async () => (await statusOf(s)).compaction === null, 'the compaction to end', PATIENCE_MS)
      const stop = await s.run(['stop'])
      assert.equal(stop.code, 0, stop.stderr)

      assert.deepEqual(await queryFile(file, OLD_COLUMNS_AT_MS), before)
      const [tables] = await queryFile(file, `SELECT
        (SELECT count(*) FROM events_live WHERE ts < make_timestamp(${DAY0 + DAYS * DAY_US}))::INTEGER AS live,
        (SELECT count(*) FROM events_moves)::INTEGER AS moves, (SELECT count(*) FROM events_keys)::INTEGER AS keys,
        (SELECT count(*) FROM events_other)::INTEGER AS other, (SELECT max(version) FROM schema_version)::INTEGER AS version`)
      // Moves with modifiers (every 40th row is a key_down or a move: i % 40 = 0 is a key_down) stay plain here.
      assert.deepEqual(tables, {
        live: 0, moves: DAYS * PER_DAY * 0.6, keys: DAYS * PER_DAY * 0.1, other: DAYS * PER_DAY * 0.2, version: 7,
      })
      const [extra] = await queryFile(file, `SELECT count(hold_ms)::INTEGER AS holds, string_agg(DISTINCT s.backend, ',') AS backends
        FROM events, sessions s WHERE s.id = events.session_id`)
      assert.deepEqual(extra, {holds: upTo >= 5 ? DAYS * PER_DAY * 0.1 : 0, backends: 'hook'})
    })
  }

  test('a disk too small for the backlog: compaction does not start, status and the log say so, capture goes on', async () => {
    const s = desk.sandbox()
    // 48 MiB: the old file fits, but not the 64 MiB margin the backlog asks for.
    const mount = fsMount(48 * 1024 * 1024)
    try {
      s.env.DEVTRACE_HOME = mount
      const file = path.join(mount, 'devtrace.duckdb')
      await oldDatabase(file, 6)
      assert.equal((await s.run(['config', 'set', 'retention_days', '0'])).code, 0)
      assert.equal((await s.run(['config', 'set', 'flush_ms', '100'])).code, 0)
      const start = await s.run(['start'])
      assert.equal(start.code, 0, start.stderr)

      const waiting = await waitFor(async () => (await statusOf(s)).compaction as null | {pending_days: number; waiting_for_space?: string}, 'status to say why compaction waits', PATIENCE_MS)
      assert.equal(waiting.pending_days, DAYS)
      assert.match(waiting.waiting_for_space ?? '', /^compacting 4 past days needs \d+ MiB free beside the database, \d+ MiB are; capture goes on uncompacted$/)
      const human = await s.run(['status'])
      assert.match(human.stdout, /compaction\s+not started: compacting 4 past days needs/)
      assert.match(readFileSync(path.join(mount, 'logs', 'daemon.log'), 'utf8'), /compaction not started: compacting 4 past days/)

      xdotool(desk.display, 'type', '--delay', '30', 'abcd')
      await waitFor(async () => Number((await statusOf(s)).events_session) >= 8, 'the typed keys to be stored', PATIENCE_MS)
      const stop = await s.run(['stop'])
      assert.equal(stop.code, 0, stop.stderr)
      const [{live}] = await queryFile(file, `SELECT count(*)::INTEGER AS live FROM events_live WHERE ts < make_timestamp(${DAY0 + DAYS * DAY_US})`)
      assert.equal(live, DAYS * PER_DAY)
    } finally {
      await s.run(['stop'])
      fsUnmount(mount)
    }
  })
})
