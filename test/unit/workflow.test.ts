import {type DuckDBConnection, DuckDBInstance} from '@duckdb/node-api'
import assert from 'node:assert/strict'
import {
  afterEach, beforeEach, describe, test,
} from 'node:test'

import {computeReportData} from '../../src/analysis/report-data.js'
import {refreshRollup} from '../../src/analysis/rollup.js'
import {computeSummary, type Reader, type Summary} from '../../src/analysis/summary.js'
import {planPieces} from '../../src/analysis/workflow.js'
import {renderReport} from '../../src/report/html.js'
import {streamQuery} from '../../src/store/query-stream.js'
import {migrate} from '../../src/store/schema.js'

/** 2025-03-03 09:07:30 UTC: 7.5 minutes into a 15-minute slot, so stretches cross slot boundaries. */
const T0 = Date.UTC(2025, 2, 3, 9, 7, 30) * 1000
const FAR_FUTURE = Date.UTC(2030, 0, 1) * 1000
const at = (seconds: number): number => T0 + Math.round(seconds * 1_000_000)

interface Row {s: number; kind: string; app: null | string; key_class?: string; modifiers?: string}

const key = (s: number, app: null | string, extra: Partial<Row> = {}): Row => ({
  s, kind: 'key_down', app, key_class: 'letter', ...extra,
})
const click = (s: number, app: null | string): Row => ({s, kind: 'mouse_down', app})

let instance: DuckDBInstance
let connection: DuckDBConnection
const reader: Reader = {query: (sql, params) => streamQuery(connection, sql, params)}

async function plant(rows: Row[]): Promise<void> {
  for (const row of rows) {
    await connection.run(`INSERT INTO events_live (ts, session_id, kind, key_class, modifiers, app, x, y)
      VALUES (make_timestamp($ts::BIGINT), 1, $kind, $key_class::VARCHAR, $modifiers::VARCHAR, $app::VARCHAR, $x::INTEGER, $y::INTEGER)`, {
      ts: at(row.s),
      kind: row.kind,
      key_class: row.key_class ?? null,
      modifiers: row.modifiers ?? null,
      app: row.app,
      x: row.kind === 'key_down' || row.kind === 'key_up' ? null : 10,
      y: row.kind === 'key_down' || row.kind === 'key_up' ? null : 10,
    } as Record<string, null | number | string>)
  }
}

/** The summary from raw events, and again from the rollup; both must agree (the rollup is exact). */
async function summarise(options: {idleSeconds?: number; sinceS?: number; untilS?: number} = {}): Promise<Summary> {
  const base = {
    idleSeconds: options.idleSeconds ?? 180,
    timeZone: 'UTC',
    by: 'app' as const,
    charts: false,
    sinceMicros: options.sinceS === undefined ? undefined : at(options.sinceS),
    untilMicros: options.untilS === undefined ? undefined : at(options.untilS),
  }
  const raw = await computeSummary(reader, {...base, rollup: false})
  await refreshRollup(connection, {nowMicros: FAR_FUTURE})
  const rolled = await computeSummary(reader, base)
  // (A range shorter than a slot or two is read from events whatever the rollup holds.)
  if (base.sinceMicros === undefined && base.untilMicros === undefined) assert.ok(rolled.rollup_until !== null, 'the rollup was used')
  assert.deepEqual(rolled.workflow, raw.workflow, 'rollup = raw (totals)')
  assert.deepEqual(rolled.groups.map(g => g.workflow), raw.groups.map(g => g.workflow), 'rollup = raw (by app)')
  return raw
}

function app(summary: Summary, name: string): NonNullable<Summary['groups'][number]['workflow']> {
  const group = summary.groups.find(g => g.group === name)
  assert.ok(group?.workflow, `group ${name}`)
  return group.workflow
}

describe('workflow metrics on hand-built events', () => {
  beforeEach(async () => {
    instance = await DuckDBInstance.create(':memory:')
    connection = await instance.connect()
    await migrate(connection, ':memory:')
  })

  afterEach(() => {
    connection.closeSync()
    instance.closeSync()
  })

  // a: 0–2 · b: 10–12 · a: 30 · c: 40–41 · a: 200 · b: 250 · a: 300, 500 (seconds)
  const journey = (): Row[] => [
    key(0, 'a'),
    key(1, 'a'),
    key(2, 'a'),
    {s: 2.5, kind: 'key_up', app: 'b'}, // a release is not an action: no switch here
    {s: 3, kind: 'mouse_move', app: 'c'}, // nor is a move
    click(10, 'b'),
    key(12, 'b'), // switch 1 (a→b), resume 12 − 2 = 10 s
    key(20, null), // no app: ignored
    key(30, 'a'), // switch 2 (b→a), back in a 28 s after leaving it: interruption; resume 18 s
    {s: 40, kind: 'wheel', app: 'c'},
    key(41, 'c'), // switch 3, resume 11 s
    key(200, 'a'), // switch 4; a was left 170 s ago (> 2 min): no interruption; resume 159 s
    key(250, 'b'), // switch 5, resume 50 s
    click(300, 'a'),
    key(500, 'a'), // switch 6, interruption (100 s); first key 250 s after b (≥ idle): no resume
  ]

  test('app switches, interruptions and resume time, overall and per app', async () => {
    await plant(journey())
    const summary = await summarise()
    assert.equal(summary.workflow.app_switches, 6)
    assert.equal(summary.workflow.interruptions, 2)
    // Resumes 10, 18, 11, 159, 50 s: the nearest-rank median is the 3rd smallest.
    assert.deepEqual(summary.workflow.resume_ms, {p50: 18_000, count: 5})
    assert.deepEqual([app(summary, 'a').switches_in, app(summary, 'a').switches_out, app(summary, 'a').interruptions], [3, 3, 2])
    assert.deepEqual([app(summary, 'b').switches_in, app(summary, 'b').switches_out, app(summary, 'b').interruptions], [2, 2, 0])
    assert.deepEqual([app(summary, 'c').switches_in, app(summary, 'c').switches_out], [1, 1])
    assert.deepEqual(app(summary, 'b').resume_ms, {p50: 10_000, count: 2})
  })

  test('a range counts the switches that end in it, finding the action before it however far back', async () => {
    await plant(journey())
    // From 150 s: the 2 minutes before hold c at 40–41 → switches at 200, 250, 300.
    const from150 = await summarise({sinceS: 150})
    assert.equal(from150.workflow.app_switches, 3)
    assert.equal(from150.workflow.interruptions, 1)
    // From 195 s: nothing in the 2 minutes before; the last action (c at 41) is still found.
    assert.equal((await summarise({sinceS: 195})).workflow.app_switches, 3)
    // Until 250 s: the switch at 250 is outside.
    assert.equal((await summarise({sinceS: 150, untilS: 250})).workflow.app_switches, 1)
  })

  test('focus sessions: ≥ 5 minutes in one app, ended by a switch or an idle gap', async () => {
    const rows: Row[] = []
    for (let s = 0; s <= 360; s += 60) rows.push(key(s, 'a')) // 360 s
    rows.push(key(100, null)) // an action without an app does not end the stretch
    for (let s = 560; s <= 860; s += 60) rows.push(key(s, 'a')) // after a 200 s gap: 300 s, exactly 5 min
    for (let s = 900; s <= 1190; s += 29) rows.push(key(s, 'b')) // 290 s: too short
    for (let s = 1200; s <= 1800; s += 100) rows.push(click(s, 'a')) // 600 s
    await plant(rows)
    const idle180 = await summarise({idleSeconds: 180})
    assert.deepEqual(idle180.workflow.focus_sessions, {count: 3, median_seconds: 360, longest_seconds: 600})
    assert.equal(app(idle180, 'a').focus_sessions.count, 3)
    assert.equal(app(idle180, 'b').focus_sessions.count, 0)
    // With idle_seconds 250 the 200 s gap is active: 0–860 s is one session.
    const idle250 = await summarise({idleSeconds: 250})
    assert.deepEqual(idle250.workflow.focus_sessions, {count: 2, median_seconds: 600, longest_seconds: 860})
    // With idle_seconds 50 (below the rollup's cut) every 60 s gap ends a stretch: none is 5 minutes.
    const idle50 = await summarise({idleSeconds: 50})
    assert.deepEqual(idle50.workflow.focus_sessions, {count: 0, median_seconds: null, longest_seconds: null})
    // A range that cuts a session short: 1200–1500 s is exactly 5 minutes, 1200–1499 is not.
    assert.equal((await summarise({sinceS: 1150, untilS: 1500.5})).workflow.focus_sessions.count, 1)
    assert.equal((await summarise({sinceS: 1150, untilS: 1499})).workflow.focus_sessions.count, 0)
  })

  test('shortcuts: key presses with ctrl, alt or meta held, not the modifier keys; per click', async () => {
    await plant([
      key(0, 'a', {modifiers: 'ctrl'}),
      key(1, 'a', {modifiers: 'ctrl+shift'}),
      key(2, 'a', {modifiers: 'shift'}),
      key(3, 'a', {modifiers: 'alt'}),
      key(4, 'b', {modifiers: 'meta'}),
      key(5, null, {modifiers: 'ctrl'}),
      key(6, 'a', {key_class: 'modifier', modifiers: 'ctrl'}),
      {
        s: 7, kind: 'key_up', app: 'a', key_class: 'letter', modifiers: 'ctrl',
      },
      click(8, 'a'),
      click(9, 'a'),
    ])
    const summary = await summarise()
    assert.equal(summary.workflow.shortcuts, 5)
    assert.equal(summary.workflow.shortcuts_per_click, 2.5)
    assert.equal(app(summary, 'a').shortcuts, 3)
    assert.equal(app(summary, 'a').shortcuts_per_click, 1.5)
    assert.equal(app(summary, 'b').shortcuts_per_click, null)
    assert.equal(summary.groups.find(g => g.group === null)?.workflow?.shortcuts, 1)
  })

  test('an empty range: zeros and nulls', async () => {
    const summary = await summarise()
    assert.deepEqual(summary.workflow, {
      app_switches: 0,
      focus_sessions: {count: 0, median_seconds: null, longest_seconds: null},
      interruptions: 0,
      resume_ms: {p50: null, count: 0},
      shortcuts: 0,
      shortcuts_per_click: null,
    })
  })
})

describe('planPieces', () => {
  const SLOT = 15 * 60 * 1_000_000
  test('whole covered slots come from the rollup, the edges and the 2 minutes before the range from events', () => {
    const plan = planPieces(10 * SLOT, 2.5 * SLOT, 8.5 * SLOT, 180)
    assert.deepEqual(plan.rollup, {from: 3 * SLOT, to: 8 * SLOT})
    assert.deepEqual(plan.ranges, [
      {from: 2.5 * SLOT - 120_000_000, to: 2.5 * SLOT, keep: false},
      {from: 2.5 * SLOT, to: 3 * SLOT, keep: true},
      {from: 8 * SLOT, to: 8.5 * SLOT, keep: true},
    ])
    assert.deepEqual(plan.before, {at: 2.5 * SLOT - 120_000_000, coveredUntil: 10 * SLOT})
    assert.equal(plan.splitMicros, 30_000_000)
  })

  test('below the rollup\'s cut, or without a rollup, everything comes from events', () => {
    for (const plan of [planPieces(10 * SLOT, undefined, undefined, 20), planPieces(null, undefined, undefined, 180)]) {
      assert.equal(plan.rollup, undefined)
      assert.deepEqual(plan.ranges, [{from: undefined, to: undefined, keep: true}])
    }

    assert.equal(planPieces(10 * SLOT, undefined, undefined, 20).splitMicros, 20_000_000)
  })
})

describe('the focus-sessions timeline in the report', () => {
  test('stretches of a minute or more per app, drawn per local day, a stretch over midnight on both days', async () => {
    instance = await DuckDBInstance.create(':memory:')
    connection = await instance.connect()
    try {
      await migrate(connection, ':memory:')
      const midnight = Date.UTC(2025, 2, 4) * 1000
      const rows: Row[] = []
      // a: 23:55–00:05 (10 min, a focus session); b: 00:06–00:08 (2 min); a: 00:09:00–00:09:30 (too short to draw).
      for (let s = -300; s <= 300; s += 60) rows.push(key((midnight - T0) / 1e6 + s, 'a'))
      for (let s = 360; s <= 480; s += 20) rows.push(key((midnight - T0) / 1e6 + s, 'b'))
      for (let s = 540; s <= 570; s += 10) rows.push(key((midnight - T0) / 1e6 + s, 'a'))
      await plant(rows)
      const data = await computeReportData(reader, {idleSeconds: 180, timeZone: 'UTC'})
      assert.deepEqual(data.timeline.stretches.map(s => [s.app, (s.end_us - s.start_us) / 1e6, s.focus]), [['a', 600, true], ['b', 120, false]])
      const html = renderReport(data)
      const chart = /<svg[^>]*id="chart-focus".*?<\/svg>/s.exec(html)?.[0] ?? ''
      assert.equal([...chart.matchAll(/<rect /g)].length, 3)
      assert.equal([...chart.matchAll(/fill-opacity="1"/g)].length, 2)
      assert.match(chart, />2025-03-03</)
      assert.match(chart, />2025-03-04</)
      assert.match(html, /<section id="workflow">/)
    } finally {
      connection.closeSync()
      instance.closeSync()
    }
  })
})
