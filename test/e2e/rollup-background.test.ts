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
import {xdotool} from '../helpers/xvfb.js'

/** Generous: the machine is shared; this is a liveness bound, not a performance claim. */
const PATIENCE_MS = 600_000
/** Weeks of old input from Monday 2023-01-02, PER_WEEK key presses each, evenly spaced: one rollup chunk per week. */
const WEEKS = 6
const PER_WEEK = 10_000
const OLD_EVENTS = WEEKS * PER_WEEK
const WEEK_US = 7 * 86_400_000_000
/** The app of week `w`'s events: once the week is forgotten, no byte of it may be left in the file. */
const sentinel = (week: number | string): string => `SENTINEL-e2e-week${week}-77b3`
const weekStart = (week: number): string => new Date(Date.UTC(2023, 0, 2 + 7 * week)).toISOString()

type Build = null | {covered_until: string; events_done: number; events_total: number; percent: number}

describe('a daemon started on a database without a rollup builds it in the background', () => {
  const desk = usePrivateDisplay()

  test('status shows the build; capture, forget and redact go on in the middle of it; the rollup ends exact, with no trace of what was forgotten', async () => {
    const s = desk.sandbox()
    const file = path.join(s.home, 'devtrace.duckdb')
    const db = await openDatabase(file)
    try {
      await migrate(db.connection, file)
      await db.connection.run(`INSERT INTO sessions (id, started_at, ended_at, level, host, platform, version)
        VALUES (1000, TIMESTAMP '2023-01-02', TIMESTAMP '2026-01-01', 'standard', 'old', 'linux-x64', 'old')`)
      const app = sentinel('\' || (i // ' + PER_WEEK + ') || \'')
      await db.connection.run(`INSERT INTO events_live (ts, session_id, kind, key_class, app)
        SELECT TIMESTAMP '2023-01-02' + to_microseconds((i * ${WEEK_US / PER_WEEK})::BIGINT), 1000, 'key_down', 'letter', '${app}'
        FROM range(${OLD_EVENTS}) t(i)`)
      await db.connection.run('DELETE FROM rollup_state')
      await db.connection.run('CHECKPOINT')
    } finally {
      closeDatabase(db)
    }

    assert.notEqual(readFileSync(file).indexOf(sentinel(0)), -1)
    assert.equal((await s.run(['config', 'set', 'flush_ms', '100'])).code, 0)
    // Old input must stay: retention (90 days by default) would forget it a few seconds after start.
    assert.equal((await s.run(['config', 'set', 'retention_days', '0'])).code, 0)
    // Test-only knob (src/daemon/scheduler.ts): while this file exists the build waits after each chunk.
    const gate = path.join(s.home, 'rollup-gate')
    writeFileSync(gate, '')
    s.env.DEVTRACE_TEST_ROLLUP_GATE = gate
    const start = await s.run(['start'])
    assert.equal(start.code, 0, start.stderr)

    // Held after its first chunk, the build shows in status on a machine of any speed.
    const building = await waitFor(async () => (await statusOf(s)).rollup_build as Build, 'status to show the rollup build', PATIENCE_MS)
    assert.deepEqual(building, {
      events_done: PER_WEEK, events_total: OLD_EVENTS, percent: Math.floor((100 * PER_WEEK) / OLD_EVENTS), covered_until: weekStart(1),
    })

    xdotool(desk.display, 'type', '--delay', '30', 'abcdefgh')
    // Week 0 is in the rollup already, week 3 not yet; then week 4 redacted (coarse: apps hashed).
    for (const week of [0, 3]) {
      const forget = await s.run(['forget', '--since', weekStart(week), '--until', weekStart(week + 1), '--yes', '--json'], {timeoutMs: PATIENCE_MS})
      assert.equal(forget.code, 0, forget.stderr)
      assert.equal((JSON.parse(forget.stdout) as {forgotten: {events: number}}).forgotten.events, PER_WEEK)
    }

    const redact = await s.run(['redact', '--profile', 'coarse', '--since', weekStart(4), '--until', weekStart(5), '--yes', '--json'], {timeoutMs: PATIENCE_MS})
    assert.equal(redact.code, 0, redact.stderr)
    // Still held: the rewrites ran between two chunks.
    assert.notEqual((await statusOf(s)).rollup_build, null)

    rmSync(gate)
    await waitFor(async () => (await statusOf(s)).rollup_build === null, 'the build to end', PATIENCE_MS)
    await waitFor(async () => Number((await statusOf(s)).events_session) >= 16, 'the typed keys to be stored', PATIENCE_MS)
    const stop = await s.run(['stop'])
    assert.equal(stop.code, 0, stop.stderr)

    const [{typed}] = await queryFile(file, 'SELECT count(*)::INTEGER AS typed FROM events WHERE session_id <> 1000 AND kind = \'key_down\'')
    assert.equal(typed, 8)
    const [{events, until}] = await queryFile(file, 'SELECT events::INTEGER AS events, covered_until::VARCHAR AS until FROM rollup_state')
    // Every old event left is in the rollup (the new keys are too recent to be rolled up yet).
    assert.equal(events, OLD_EVENTS - 2 * PER_WEEK)
    assert.ok(String(until) >= '2025-11-15', String(until))
    const apps = await queryFile(file, 'SELECT app, sum(events)::INTEGER AS events FROM rollup_slots GROUP BY app ORDER BY app')
    const byApp = Object.fromEntries(apps.map(row => [String(row.app), row.events]))
    const hashed = Object.keys(byApp).filter(name => name.startsWith('#'))
    assert.equal(hashed.length, 1, JSON.stringify(byApp))
    assert.deepEqual(byApp, {
      [hashed[0]]: PER_WEEK, [sentinel(1)]: PER_WEEK, [sentinel(2)]: PER_WEEK, [sentinel(5)]: PER_WEEK,
    })
    const bytes = readFileSync(file)
    for (const week of [0, 3, 4]) assert.equal(bytes.indexOf(sentinel(week)), -1, `week ${week}`)
  })
})
