import assert from 'node:assert/strict'
import path from 'node:path'
import {describe, test} from 'node:test'
import {setTimeout as sleep} from 'node:timers/promises'

import {closeDatabase, openDatabase} from '../../src/store/open-database.js'
import {migrate} from '../../src/store/schema.js'
import {waitFor} from '../helpers/cli.js'
import {queryFile} from '../helpers/db.js'
import {usePrivateDisplay} from '../helpers/display-suite.js'
import {statusOf} from '../helpers/status.js'
import {xdotool} from '../helpers/xvfb.js'

/** Generous: the machine is shared; this is a liveness bound, not a performance claim. */
const PATIENCE_MS = 600_000
/** Weeks of old input from 2023-01-02 (all of it in the past): one rollup chunk each, so the build takes many steps. */
const WEEKS = 150
const OLD_EVENTS = 300_000

describe('a daemon started on a database without a rollup builds it in the background', () => {
  const desk = usePrivateDisplay()

  test('status shows the build as it goes, capture goes on meanwhile, and the rollup ends up counting every event', async () => {
    const s = desk.sandbox()
    const file = path.join(s.home, 'devtrace.duckdb')
    const db = await openDatabase(file)
    try {
      await migrate(db.connection, file)
      await db.connection.run(`INSERT INTO sessions (id, started_at, ended_at, level, host, platform, version)
        VALUES (1000, TIMESTAMP '2023-01-02', TIMESTAMP '2026-01-01', 'standard', 'old', 'linux-x64', 'old')`)
      // Spread over WEEKS weeks from 2023-01-02, a key press every few minutes.
      await db.connection.run(`INSERT INTO events (ts, session_id, kind, key_class, app)
        SELECT TIMESTAMP '2023-01-02' + to_microseconds((i * (${WEEKS} * 7 * 86400000000 // ${OLD_EVENTS}))::BIGINT), 1000, 'key_down', 'letter', 'code'
        FROM range(${OLD_EVENTS}) t(i)`)
      await db.connection.run('DELETE FROM rollup_state')
      await db.connection.run('CHECKPOINT')
    } finally {
      closeDatabase(db)
    }

    assert.equal((await s.run(['config', 'set', 'flush_ms', '100'])).code, 0)
    // Old input must stay: retention (90 days by default) would forget it a few seconds after start.
    assert.equal((await s.run(['config', 'set', 'retention_days', '0'])).code, 0)
    const start = await s.run(['start'])
    assert.equal(start.code, 0, start.stderr)
    const building = await waitFor(async () => {
      const status = await statusOf(s)
      return status.rollup_build as null | {events_done: number; events_total: number; percent: number}
    }, 'status to show the rollup build', PATIENCE_MS)
    assert.equal(building.events_total, OLD_EVENTS)
    assert.ok(building.percent >= 0 && building.percent < 100)

    // Typed right after status saw the build running (how much of it overlaps depends on the
    // machine's speed): every key is stored.
    xdotool(desk.display, 'type', '--delay', '30', 'abcdefgh')
    await waitFor(async () => (await statusOf(s)).rollup_build === null, 'the build to end', PATIENCE_MS)
    await sleep(300) // a few flushes
    const stop = await s.run(['stop'])
    assert.equal(stop.code, 0, stop.stderr)

    const [{typed}] = await queryFile(file, 'SELECT count(*)::INTEGER AS typed FROM events WHERE session_id <> 1000 AND kind = \'key_down\'')
    assert.equal(typed, 8)
    const [{events, until}] = await queryFile(file, 'SELECT events::INTEGER AS events, covered_until::VARCHAR AS until FROM rollup_state')
    // Everything old is in the rollup (the new keys are too recent to be rolled up yet).
    assert.equal(events, OLD_EVENTS)
    assert.ok(String(until) >= '2025-11-15', String(until))
  })
})
