import assert from 'node:assert/strict'
import {existsSync} from 'node:fs'
import path from 'node:path'
import {
  after, before, describe, test,
} from 'node:test'

import {
  makeSandbox, oneLine, type Sandbox, sleep,
} from '../helpers/cli.js'
import {
  e2eSkipReason, startXvfb, type VirtualDisplay, xdotool,
} from '../helpers/xvfb.js'

const skip = e2eSkipReason()

describe('summarize a scripted session on a private X display', {skip}, () => {
  let x: VirtualDisplay
  let s: Sandbox
  let whileRunning: Record<string, unknown>

  before(async () => {
    x = await startXvfb()
    s = makeSandbox(x.display)
    assert.equal((await s.run(['config', 'set', 'flush_ms', '100'])).code, 0)
    const start = await s.run(['start'])
    assert.equal(start.code, 0, start.stderr)
    // 8 keys in two words with a 3 s and a 2.5 s pause (hesitations), then the pointer:
    // (100,100) → (400,500) is 500 px, a click there, then → (400,800) is 300 px.
    xdotool(x.display, 'type', '--delay', '80', 'abcde')
    await sleep(3000)
    xdotool(x.display, 'type', '--delay', '80', 'fgh')
    await sleep(2500)
    xdotool(x.display, 'mousemove', '100', '100')
    await sleep(100)
    xdotool(x.display, 'mousemove', '400', '500')
    await sleep(100)
    xdotool(x.display, 'click', '1')
    await sleep(100)
    xdotool(x.display, 'mousemove', '400', '800')
    await sleep(600) // a few flushes
    const running = await s.run(['summarize', '--json'])
    assert.equal(running.code, 0, running.stderr)
    whileRunning = JSON.parse(running.stdout) as Record<string, unknown>
    // summarize asked the daemon to bring the rollup up to date (the rollup-refresh operation).
    const state = await s.run(['query', '--json', 'SELECT count(*)::INTEGER AS n FROM rollup_state'])
    assert.equal(state.code, 0, state.stderr)
    assert.deepEqual(JSON.parse(state.stdout), [{n: 1}])
    assert.equal((await s.run(['stop'])).code, 0)
  })

  after(async () => {
    await s?.run(['stop'])
    s?.cleanup()
    await x?.stop()
  })

  test('summarize --json gives the exact totals of the session, through the daemon and from the file', async () => {
    const result = await s.run(['summarize', '--json'])
    assert.equal(result.code, 0, result.stderr)
    const summary = JSON.parse(result.stdout) as {totals: Record<string, unknown>; groups: unknown[]; idle_seconds: number}
    const {totals} = summary
    assert.equal(totals.keys, 8)
    assert.equal(totals.clicks, 1)
    assert.equal(totals.wheel, 0)
    assert.equal(totals.mouse_distance_px, 800)
    assert.equal((totals.hesitations as {count: number}).count, 2)
    assert.equal(totals.events, 8 * 2 + 3 + 2)
    assert.equal(totals.corrections, 0)
    assert.equal((totals.inter_key_ms as {intervals: number}).intervals, 7)
    assert.equal(summary.idle_seconds, 180)
    assert.deepEqual(summary.groups, [])
    // Read through the running daemon, the numbers were the same.
    assert.deepEqual((whileRunning as {totals: unknown}).totals, totals)
  })

  test('summarize prints a readable summary with charts', async () => {
    const result = await s.run(['summarize'])
    assert.equal(result.code, 0, result.stderr)
    assert.match(result.stdout, /What your input says about you/)
    assert.match(result.stdout, /keys {16}8 /)
    assert.match(result.stdout, /hesitations {9}2 /)
    assert.match(result.stdout, /clicks {14}1\n/)
    assert.match(result.stdout, /mouse distance {6}800 px/)
    assert.match(result.stdout, /Hour of day/)
    assert.match(result.stdout, /Typing cadence/)
    assert.match(result.stdout, /Per day/)
    // NO_COLOR is set by the sandbox and stdout is a pipe: no escape codes.
    assert.equal(result.stdout.includes('\u001B['), false)
  })

  test('--by day gives one group with the totals; --by hour and --by app split them', async () => {
    const byDay = JSON.parse((await s.run(['summarize', '--json', '--by', 'day'])).stdout) as {groups: Array<Record<string, unknown>>; totals: Record<string, unknown>}
    assert.equal(byDay.groups.length, 1)
    const {group, ...metrics} = byDay.groups[0]
    assert.equal(group, new Date(byDay.totals.first_event as string).toLocaleDateString('en-CA'))
    assert.deepEqual(metrics, byDay.totals)
    const byApp = JSON.parse((await s.run(['summarize', '--json', '--by', 'app'])).stdout) as {groups: Array<{keys: number}>}
    assert.equal(byApp.groups.reduce((sum, g) => sum + g.keys, 0), 8)
  })

  test('a range without events gives zeros; a bad time is a usage error', async () => {
    const empty = JSON.parse((await s.run(['summarize', '--json', '--until', '2001-01-01'])).stdout) as {totals: {events: number; keys: number}}
    assert.equal(empty.totals.events, 0)
    const bad = await s.run(['summarize', '--since', 'soonish'])
    assert.equal(bad.code, 2)
    assert.match(oneLine(bad.stderr), /--since "soonish" is not a time I understand/)
    const byBad = await s.run(['summarize', '--by', 'week'])
    assert.equal(byBad.code, 2)
  })
})

describe('summarize without data', () => {
  test('no database yet: exit 1, suggests the demo, creates nothing', async () => {
    const s = makeSandbox()
    try {
      const result = await s.run(['summarize'])
      assert.equal(result.code, 1)
      assert.match(oneLine(result.stderr), /There is no devtrace database yet/)
      assert.match(oneLine(result.stderr), /devtrace demo/)
      assert.equal(existsSync(path.join(s.home, 'devtrace.duckdb')), false)
    } finally {
      s.cleanup()
    }
  })
})
