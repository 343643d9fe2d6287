import {DuckDBInstance} from '@duckdb/node-api'
import assert from 'node:assert/strict'
import {
  existsSync, readdirSync, readFileSync, statSync, writeFileSync,
} from 'node:fs'
import path from 'node:path'
import {
  after, before, describe, test,
} from 'node:test'
import {pathToFileURL} from 'node:url'
import {chromium} from 'playwright-core'

import {METRIC_DEFINITIONS} from '../../src/analysis/metrics-sql.js'
import {COMPACT_BLOCK_SIZE} from '../../src/store/compact-file.js'
import {makeSandbox, oneLine, type Sandbox} from '../helpers/cli.js'

const CHROMIUM = '/usr/bin/chromium'

function chromiumSkip(): false | string {
  if (existsSync(CHROMIUM)) return false
  if (process.env.CI) throw new Error('CI=true but /usr/bin/chromium is missing: .ci/run must install it')
  return 'needs Chromium (apt-get install chromium)'
}

describe('demo, summarize --demo and report', () => {
  let s: Sandbox
  let demo: {database: string; events: number; report: string; summary: {days: unknown[]; totals: {events: number; first_event: string; keys: number}}}

  before(async () => {
    s = makeSandbox()
    const result = await s.run(['demo', '--days', '2', '--json'], {timeoutMs: 120_000})
    assert.equal(result.code, 0, result.stderr)
    demo = JSON.parse(result.stdout) as typeof demo
  })

  after(() => {
    s.cleanup()
  })

  test('demo fills the separate demo database, writes the report, never creates the real one', () => {
    assert.equal(demo.database, path.join(s.home, 'demo', 'demo.duckdb'))
    assert.equal(demo.report, path.join(s.home, 'demo', 'report.html'))
    assert.ok(demo.events > 50_000, `only ${demo.events} events`)
    assert.equal(demo.summary.totals.events, demo.events)
    assert.ok(demo.summary.totals.keys > 5000)
    assert.ok(existsSync(demo.report))
    assert.equal(statSync(demo.database).mode & 0o777, 0o600)
    assert.equal(existsSync(path.join(s.home, 'devtrace.duckdb')), false)
  })

  test('demo leaves its database compact: one file of 64 KiB blocks, none of them free, no write-ahead log', async () => {
    const instance = await DuckDBInstance.create(demo.database, {access_mode: 'READ_ONLY'})
    const connection = await instance.connect()
    try {
      const [[blockSize, free]] = (await connection.runAndReadAll('SELECT block_size, free_blocks FROM pragma_database_size()')).getRowsJS() as Array<[bigint, bigint]>
      assert.equal(Number(blockSize), COMPACT_BLOCK_SIZE)
      assert.equal(Number(free), 0)
    } finally {
      connection.closeSync()
      instance.closeSync()
    }

    assert.deepEqual(readdirSync(path.dirname(demo.database)).sort(), ['demo.duckdb', 'report.html'])
  })

  test('demo prints the summary and where the report is; running it again recreates the database', async () => {
    const result = await s.run(['demo', '--days', '1'], {timeoutMs: 120_000})
    assert.equal(result.code, 0, result.stderr)
    assert.match(result.stdout, /What your input says about you/)
    assert.match(result.stdout, /Typing cadence/)
    assert.match(result.stdout, new RegExp(`Report +${demo.report.replaceAll(/[.*+?^${}()|[\]\\/]/g, String.raw`\$&`)}`))
    const again = JSON.parse((await s.run(['summarize', '--demo', '--json'])).stdout) as {days: Array<{keys: number}>; totals: {events: number}}
    // The database now holds one weekday of input, not the two days' worth added to it. (Comparing
    // event counts with the two-day demo would depend on today: two calendar days ending on a
    // Monday hold one weekday, as the synthetic desk rests at weekends.)
    assert.ok(again.totals.events > 0)
    assert.equal(again.days.filter(day => day.keys > 0).length, 1, 'one day of input')
    assert.equal(existsSync(path.join(s.home, 'devtrace.duckdb')), false)
    // Back to two days for the tests below.
    assert.equal((await s.run(['demo', '--days', '2', '--json'], {timeoutMs: 120_000})).code, 0)
  })

  test('the rollup and the raw events give the same summary through the CLI', async () => {
    const first = Date.parse(demo.summary.totals.first_event)
    const since = new Date(first + 4_000_500).toISOString()
    const until = new Date(first + 30 * 3_600_000 + 250).toISOString()
    for (const args of [['--by', 'app'], ['--by', 'hour', '--since', since, '--until', until], ['--by', 'day', '--until', until]]) {
      const rolled = JSON.parse((await s.run(['summarize', '--demo', '--json', ...args])).stdout) as Record<string, unknown>
      const raw = JSON.parse((await s.run(['summarize', '--demo', '--json', '--raw', ...args])).stdout) as Record<string, unknown>
      assert.notEqual(rolled.rollup_until, null)
      assert.equal(raw.rollup_until, null)
      const strip = (value: Record<string, unknown>): string => JSON.stringify({...value, rollup_until: null}, (key, v) => (key === 'mouse_distance_px' ? Math.round(v as number) : v))
      assert.equal(strip(rolled), strip(raw))
    }
  })

  test('report refuses to overwrite a file without --force', async () => {
    const out = path.join(s.home, 'existing.html')
    writeFileSync(out, 'keep me')
    const refused = await s.run(['report', '--demo', '--out', out])
    assert.equal(refused.code, 1)
    assert.match(oneLine(refused.stderr), /already exists; not overwriting it/)
    assert.equal(readFileSync(out, 'utf8'), 'keep me')
    const forced = await s.run(['report', '--demo', '--out', out, '--force'])
    assert.equal(forced.code, 0, forced.stderr)
    assert.match(readFileSync(out, 'utf8'), /^<!doctype html>/)
  })

  test('the report is self-contained: no network reference of any kind', async () => {
    const out = path.join(s.home, 'report.html')
    const result = await s.run(['report', '--demo', '--out', out, '--json'])
    assert.equal(result.code, 0, result.stderr)
    const written = JSON.parse(result.stdout) as {file: string; bytes: number; events: number}
    assert.equal(written.file, out)
    assert.equal(written.events, demo.events)
    const html = readFileSync(out, 'utf8')
    assert.equal(written.bytes, Buffer.byteLength(html))
    for (const forbidden of [/https?:/i, /\/\//, /\bsrc\s*=/i, /\bhref\s*=/i, /@import/i, /url\(/i, /<script/i, /<link/i, /<img/i, /<iframe/i]) {
      assert.doesNotMatch(html, forbidden)
    }

    for (const id of ['chart-week', 'chart-cadence', 'chart-days', 'chart-hours', 'chart-clicks', 'table-apps', 'table-metrics']) {
      assert.match(html, new RegExp(`id="${id}"`))
    }
  })

  test('the report opens in headless Chromium without console errors, makes no request, and shows its charts', {skip: chromiumSkip()}, async () => {
    const out = path.join(s.home, 'browser.html')
    assert.equal((await s.run(['report', '--demo', '--out', out])).code, 0)
    // Playwright gives the browser a fresh temporary profile of its own.
    const browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    })
    try {
      const page = await browser.newPage({viewport: {width: 1280, height: 900}})
      const requests: string[] = []
      const problems: string[] = []
      page.on('request', request => requests.push(request.url()))
      page.on('console', message => {
        if (message.type() === 'error' || message.type() === 'warning') problems.push(`${message.type()}: ${message.text()}`)
      })
      page.on('pageerror', error => problems.push(`pageerror: ${error.message}`))
      const url = pathToFileURL(out).href
      await page.goto(url, {waitUntil: 'load'})
      assert.deepEqual(requests, [url], 'the only request is the file itself')
      assert.deepEqual(problems, [])
      const charts = await page.$$eval('svg.chart', nodes => nodes.map(node => ({id: node.id, width: node.getBoundingClientRect().width, shapes: node.querySelectorAll('rect, polyline').length})))
      assert.deepEqual(charts.map(chart => chart.id), ['chart-week', 'chart-cadence', 'chart-days', 'chart-hours', 'chart-clicks', 'chart-focus'])
      for (const chart of charts) assert.ok(chart.width > 300, `${chart.id} is drawn (${chart.width} px wide)`)
      // 7 × 24 heatmap cells; 50 cadence bins of 20 ms and one for ≥ 1 s; a bar per day and the
      // active-time line; 24 hour bars; the screen and at least one square of clicks; a bar per stretch in one app.
      assert.deepEqual(charts.map(chart => chart.shapes), [168, 51, demo.summary.days.length + 1, 24, charts[4].shapes, charts[5].shapes])
      assert.ok(charts[4].shapes >= 2)
      assert.ok(charts[5].shapes >= 1)

      // One row per defined metric (the issue-13 metrics added rows to the 10 there were).
      assert.equal(await page.$$eval('#table-metrics tbody tr', rows => rows.length), METRIC_DEFINITIONS.length)
      const shot = path.join(s.home, 'report.png')
      await page.screenshot({path: shot, fullPage: true})
      assert.ok(statSync(shot).size > 50_000)
      if (process.env.DEVTRACE_KEEP_SCREENSHOT) writeFileSync(process.env.DEVTRACE_KEEP_SCREENSHOT, readFileSync(shot))
    } finally {
      await browser.close()
    }
  })
})
