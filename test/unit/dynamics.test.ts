import {type DuckDBConnection, DuckDBInstance} from '@duckdb/node-api'
import assert from 'node:assert/strict'
import {
  after, beforeEach, describe, test,
} from 'node:test'

import type {CapturedEvent, KeyClass} from '../../src/capture/event.js'

import {computeReportData} from '../../src/analysis/report-data.js'
import {refreshRollup} from '../../src/analysis/rollup.js'
import {computeSummary, type Reader, type SummaryOptions} from '../../src/analysis/summary.js'
import {keyNameOf} from '../../src/capture/key-names.js'
import {renderReport} from '../../src/report/html.js'
import {EventWriter} from '../../src/store/event-writer.js'
import {streamQuery} from '../../src/store/query-stream.js'
import {migrate} from '../../src/store/schema.js'
import {renderSummary} from '../../src/ui/summary-view.js'
import {UiohookKey} from './uiohook-keys.js'

/** 2025-03-03T09:00:00Z, a Monday. */
const T0 = Date.UTC(2025, 2, 3, 9) * 1000
const MS = 1000

interface Stroke {
  /** Press and release, ms after T0. */
  down: number
  up: number
  keyClass?: KeyClass
  code?: number
  app?: string
}

function key(kind: 'key_down' | 'key_up', stroke: Stroke): CapturedEvent {
  return {
    tsMicros: T0 + (kind === 'key_down' ? stroke.down : stroke.up) * MS,
    kind,
    keyCode: stroke.code ?? null,
    keyClass: stroke.keyClass ?? 'letter',
    x: null,
    y: null,
    button: null,
    wheelAmount: null,
    wheelDirection: null,
    modifiers: null,
    app: stroke.app ?? 'code',
    holdMs: kind === 'key_up' ? stroke.up - stroke.down : null,
  }
}

/**
 * Seven keystrokes, release order = press order except k3, pressed before k2 was released:
 * holds 80 100 120 60 90 70 50; flights (press − previous release) 120 −20 200 240 110 and one
 * of 398 830 ms (idle); key-down intervals 200 80 320 300 200 and one of 398 900 ms.
 */
const STROKES: Stroke[] = [
  {down: 0, up: 80},
  {down: 200, up: 300},
  {down: 280, up: 400, keyClass: 'space'},
  {down: 600, up: 660, keyClass: 'correction'},
  {down: 900, up: 990},
  {down: 1100, up: 1170},
  {down: 400_000, up: 400_050},
]

describe('keystroke dynamics SQL on hand-built events', () => {
  let instance: DuckDBInstance
  let connection: DuckDBConnection
  const reader: Reader = {query: (sql, params) => streamQuery(connection, sql, params)}

  beforeEach(async () => {
    connection?.closeSync()
    instance?.closeSync()
    instance = await DuckDBInstance.create(':memory:')
    connection = await instance.connect()
    await migrate(connection, ':memory:')
  })

  after(() => {
    connection?.closeSync()
    instance?.closeSync()
  })

  async function insert(strokes: Stroke[], sessionId = 1): Promise<void> {
    const writer = await EventWriter.open(connection, sessionId)
    writer.append(strokes.flatMap(stroke => [key('key_down', stroke), key('key_up', stroke)]).sort((a, b) => a.tsMicros - b.tsMicros))
    writer.close()
  }

  function summary(options: Partial<SummaryOptions> = {}): ReturnType<typeof computeSummary> {
    return computeSummary(reader, {idleSeconds: 180, timeZone: 'UTC', ...options})
  }

  test('hold and flight: nearest-rank p50/p90, a negative flight for overlapping keys, idle flights left out', async () => {
    await insert(STROKES)
    const {totals, groups} = await summary({by: 'app'})
    assert.deepEqual(totals.hold_ms, {p50: 80, p90: 120, count: 7})
    assert.deepEqual(totals.flight_ms, {p50: 120, p90: 240, count: 5})
    assert.deepEqual(groups.map(g => [g.group, g.hold_ms, g.flight_ms]), [['code', totals.hold_ms, totals.flight_ms]])
    // With idle_seconds 1, the 110–240 ms flights still count; the −20 ms one too.
    const tight = await summary({idleSeconds: 1})
    assert.deepEqual(tight.totals.flight_ms, {p50: 120, p90: 240, count: 5})
  })

  test('flights only pair releases of one session; the first release of a session has none', async () => {
    await insert(STROKES.slice(0, 3))
    await insert(STROKES.slice(3, 6), 2)
    const {totals} = await summary()
    // Session 1: 120, −20; session 2: 240, 110 (the 200 ms from session 1's last release is not a flight).
    assert.deepEqual(totals.flight_ms, {p50: 110, p90: 240, count: 4})
  })

  test('digraphs by key class: pairs less than 2 s apart in one session and app, most frequent first', async () => {
    await insert(STROKES)
    const {digraphs, digraphs_by_key: byKey} = await summary()
    assert.deepEqual(digraphs, [
      {
        from: 'letter', to: 'letter', count: 2, p50_ms: 200,
      },
      {
        from: 'correction', to: 'letter', count: 1, p50_ms: 300,
      },
      {
        from: 'letter', to: 'space', count: 1, p50_ms: 80,
      },
      {
        from: 'space', to: 'correction', count: 1, p50_ms: 320,
      },
    ])
    assert.equal(byKey, null)
  })

  test('a change of app between two presses is not a digraph', async () => {
    await insert(STROKES.map((stroke, index) => (index === 5 ? {...stroke, app: 'firefox'} : stroke)))
    const {digraphs} = await summary()
    assert.deepEqual(digraphs[0], {
      from: 'correction', to: 'letter', count: 1, p50_ms: 300,
    })
    assert.equal(digraphs.reduce((sum, pair) => sum + pair.count, 0), 4)
  })

  test('--by-key: key pairs named, only from rows with key codes', async () => {
    const {T, H, E} = UiohookKey
    // "the the" at level full, then the same rhythm without codes (standard) in another session.
    const word = (at: number, withCodes: boolean): Stroke[] => [T, H, E].map((code, index) => ({
      down: at + index * 150, up: at + index * 150 + 90, code: withCodes ? code : undefined,
    }))
    await insert([...word(0, true), ...word(1000, true)])
    await insert(word(600_000, false), 2)
    const {digraphs, digraphs_by_key: byKey} = await summary({byKey: true})
    assert.deepEqual(byKey, [
      {
        from: 'h', to: 'e', count: 2, p50_ms: 150,
      },
      {
        from: 't', to: 'h', count: 2, p50_ms: 150,
      },
      {
        from: 'e', to: 't', count: 1, p50_ms: 700,
      },
    ])
    assert.deepEqual(digraphs, [{
      from: 'letter', to: 'letter', count: 7, p50_ms: 150,
    }])
    const none = await summary({byKey: true, untilMicros: T0 + 500_000 * MS, sinceMicros: T0 + 500_000 * MS - 1})
    assert.deepEqual(none.digraphs_by_key, [])
  })

  test('rhythm.by_hour: inter-key p50, hold p50 and correction ratio per local hour', async () => {
    await insert(STROKES)
    const {rhythm} = await summary({timeZone: 'Europe/Berlin'})
    assert.equal(rhythm.by_hour.length, 24)
    // 09:00 UTC is 10:00 in Berlin in March.
    assert.deepEqual(rhythm.by_hour[10], {
      hour: 10, inter_key_p50_ms: 200, hold_p50_ms: 80, correction_ratio: 0.1429,
    })
    assert.deepEqual(
      rhythm.by_hour.filter(hour => hour.hour !== 10).map(hour => [hour.inter_key_p50_ms, hour.hold_p50_ms, hour.correction_ratio]),
      Array.from({length: 23}, () => [null, null, null]),
    )
  })

  test('the terminal view and the report show hold, flight, key pairs and the rhythm', async () => {
    await insert(STROKES)
    const {Chalk} = await import('chalk')
    const text = renderSummary(await summary({byKey: true}), new Chalk({level: 0}))
    assert.match(text, /hold time +p50 80 ms · p90 120 ms/)
    assert.match(text, /flight time +p50 120 ms · p90 240 ms/)
    assert.match(text, /letter → letter +█+ +2 +p50 200 ms/)
    assert.match(text, /Rhythm across the day[^\n]*\n +hour +inter-key p50 ms +hold p50 ms +corrections\n[-─ ]*\n? *09 +200 +80 +14\.3 %/)
    assert.match(text, /Key pairs by key\n +no key codes in this range/)
    const html = renderReport(await computeReportData(reader, {idleSeconds: 180, timeZone: 'UTC'}))
    const shaded = '<td style="background:#[0-9a-f]{6}"'
    assert.match(html, new RegExp(`<table class="data heat" id="table-digraphs">.*<th>letter</th>${shaded} title="letter → letter: 2 pairs, median 200 ms">200 ms<br><small>2</small></td>`, 's'))
    assert.match(html, new RegExp(`<table class="data heat rhythm" id="table-rhythm">.*${shaded} title="09:00 — hold p50 ms 80">80</td>.*title="09:00 — corrections % 14\\.3">14\\.3</td>`, 's'))
    assert.match(html, /<code>flight_ms\.p50 \/ \.p90<\/code><\/td><td>120 ms \/ 240 ms<\/td>/)
  })

  test('the rollup gives the same dynamics as raw events', async () => {
    await insert(STROKES)
    await insert(STROKES.map(stroke => ({
      ...stroke, down: stroke.down + 3_600_000, up: stroke.up + 3_600_000, code: UiohookKey.A,
    })), 2)
    const raw = await summary({byKey: true, by: 'hour', rollup: false})
    await refreshRollup(connection, {nowMicros: Date.UTC(2030, 0, 1) * 1000})
    const rolled = await summary({byKey: true, by: 'hour'})
    assert.notEqual(rolled.rollup_until, null)
    assert.deepEqual({...rolled, rollup_until: null}, raw)
    assert.equal(raw.totals.hold_ms.count, 14)
  })
})

describe('key names', () => {
  test('agree with uiohook-napi\'s own key table', () => {
    const expected: Array<[number, string]> = [
      [UiohookKey.A, 'a'],
      [UiohookKey.Z, 'z'],
      [UiohookKey.Q, 'q'],
      [UiohookKey.M, 'm'],
      [UiohookKey[1], '1'],
      [UiohookKey[0], '0'],
      [UiohookKey.Space, 'space'],
      [UiohookKey.Backspace, 'backspace'],
      [UiohookKey.Enter, 'enter'],
      [UiohookKey.Shift, 'shift'],
      [UiohookKey.ArrowUp, 'up'],
      [UiohookKey.Delete, 'delete'],
      [UiohookKey.F12, 'f12'],
      [UiohookKey.Comma, ','],
    ]
    for (const [code, name] of expected) assert.equal(keyNameOf(code), name, `code ${code}`)
    assert.equal(keyNameOf(9999), '#9999')
  })
})
