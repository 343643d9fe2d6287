import assert from 'node:assert/strict'
import {readFileSync} from 'node:fs'
import path from 'node:path'
import {describe, test} from 'node:test'

import type {Sandbox} from '../helpers/cli.js'

import {sleep} from '../helpers/cli.js'
import {writeFile} from '../helpers/db.js'
import {usePrivateDisplay} from '../helpers/display-suite.js'
import {statusOf} from '../helpers/status.js'
import {e2eSkipReason, xdotool} from '../helpers/xvfb.js'

const skip = e2eSkipReason()

interface Totals {mouse_distance_px: number; mouse_distance_counts: number; events: number}
interface SummaryJson {totals: Totals; groups: Array<Totals & {group: null | string}>; rollup_until: null | string}

async function json<T>(s: Sandbox, args: string[]): Promise<T> {
  const result = await s.run(args)
  assert.equal(result.code, 0, result.stderr)
  return JSON.parse(result.stdout) as T
}

function ndjson(file: string): Array<Record<string, unknown>> {
  return readFileSync(file, 'utf8').trim().split('\n').map(line => JSON.parse(line) as Record<string, unknown>)
}

/**
 * What x/y mean per capture backend. A real daemon records through the hook on a private X
 * display (pixels); an evdev session (device units, integrated from relative motion) is planted
 * in the same file, an hour earlier so the rollup holds it, as part A's reader would write it.
 */
describe('data meaning per capture backend', {skip}, () => {
  const screen = usePrivateDisplay()
  const EVDEV_SESSION = 100
  /** The planted evdev session's moves: (0,0) → (30,40) → (30,100) is 50 + 60 device units. */
  const EVDEV_COUNTS = 110

  test('status names the backend; hook moves are pixels, evdev moves device units, in summarize, report and exports', async () => {
    const s = screen.sandbox()
    const database = path.join(s.home, 'devtrace.duckdb')
    assert.equal((await s.run(['config', 'set', 'flush_ms', '100'])).code, 0)
    const start = await s.run(['start', '--backend', 'hook'])
    assert.equal(start.code, 0, start.stderr)

    const status = await statusOf(s)
    assert.deepEqual([status.backend, status.pointer_positions, status.capture], ['hook', 'screen_pixels', null])
    const text = await s.run(['status'])
    assert.match(text.stdout, /^backend +hook$/m)
    assert.doesNotMatch(text.stdout, /^capture /m)

    // (100,100) → (400,500): 500 px.
    xdotool(screen.display, 'mousemove', '100', '100')
    await sleep(100)
    xdotool(screen.display, 'mousemove', '400', '500')
    await sleep(600)
    assert.equal((await s.run(['stop'])).code, 0)

    const hourAgo = (Date.now() - 3600 * 1000) * 1000
    await writeFile(database, `
      INSERT INTO sessions (id, started_at, ended_at, level, backend) VALUES
        (${EVDEV_SESSION}, make_timestamp(${hourAgo}), make_timestamp(${hourAgo + 10_000_000}), 'standard', 'evdev');
      INSERT INTO events_live (ts, session_id, kind, x, y, wheel_amount, wheel_direction, app) VALUES
        (make_timestamp(${hourAgo}), ${EVDEV_SESSION}, 'mouse_move', 0, 0, NULL, NULL, 'term'),
        (make_timestamp(${hourAgo + 1_000_000}), ${EVDEV_SESSION}, 'mouse_move', 30, 40, NULL, NULL, 'term'),
        (make_timestamp(${hourAgo + 2_000_000}), ${EVDEV_SESSION}, 'mouse_move', 30, 100, NULL, NULL, 'term'),
        (make_timestamp(${hourAgo + 3_000_000}), ${EVDEV_SESSION}, 'wheel', 30, 100, 1, 'down', 'term');`)

    // From the file (no daemon): the evdev hour from the rollup, the hook session raw.
    const summary = await json<SummaryJson>(s, ['summarize', '--json', '--by', 'app'])
    assert.notEqual(summary.rollup_until, null)
    assert.equal(summary.totals.mouse_distance_px, 500)
    assert.equal(summary.totals.mouse_distance_counts, EVDEV_COUNTS)
    assert.deepEqual(summary.groups.map(g => [g.group, g.mouse_distance_px, g.mouse_distance_counts]).find(([group]) => group === 'term'), ['term', 0, EVDEV_COUNTS])
    const raw = await json<SummaryJson>(s, ['summarize', '--json', '--by', 'app', '--raw'])
    assert.deepEqual({...raw, rollup_until: null}, {...summary, rollup_until: null})

    const view = await s.run(['summarize'])
    assert.equal(view.code, 0, view.stderr)
    assert.match(view.stdout, /mouse distance +500 px/)
    assert.match(view.stdout, /mouse distance +110 device units +evdev: integrated from relative motion, not pixels/)

    const report = path.join(s.home, 'report.html')
    assert.equal((await s.run(['report', '--out', report])).code, 0)
    const html = readFileSync(report, 'utf8')
    assert.match(html, /Mouse distance \(evdev\)/)
    assert.match(html, />110 units</)

    // coarse: the hook's pixels on the 100 px grid, evdev's device units dropped.
    const coarse = path.join(s.home, 'coarse.ndjson')
    assert.equal((await s.run(['export', '--redact', 'coarse', '--out', coarse])).code, 0)
    const positions = ndjson(coarse).filter(row => ['mouse_move', 'wheel'].includes(String(row.kind)))
    const evdevRows = positions.filter(row => row.session_id === EVDEV_SESSION)
    const hookRows = positions.filter(row => row.session_id !== EVDEV_SESSION)
    assert.equal(evdevRows.length, 4)
    assert.ok(evdevRows.every(row => row.x === null && row.y === null))
    assert.ok(hookRows.length >= 2)
    assert.ok(hookRows.every(row => typeof row.x === 'number' && (row.x as number) % 100 === 0 && (row.y as number) % 100 === 0))
    assert.ok(hookRows.some(row => row.x === 400 && row.y === 500))

    const aggregate = path.join(s.home, 'aggregate.ndjson')
    assert.equal((await s.run(['export', '--redact', 'aggregate', '--out', aggregate])).code, 0)
    const minutes = ndjson(aggregate)
    const sum = (column: string): number => minutes.reduce((total, row) => total + Number(row[column]), 0)
    assert.deepEqual([sum('mouse_distance_px'), sum('mouse_distance_counts')], [500, EVDEV_COUNTS])

    // Through a running daemon the same numbers.
    assert.equal((await s.run(['start', '--backend', 'hook'])).code, 0)
    const live = await json<SummaryJson>(s, ['summarize', '--json', '--by', 'app'])
    assert.deepEqual([live.totals.mouse_distance_px, live.totals.mouse_distance_counts], [500, EVDEV_COUNTS])
    assert.equal((await s.run(['stop'])).code, 0)
  })
})
