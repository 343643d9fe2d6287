import assert from 'node:assert/strict'
import {readFileSync} from 'node:fs'
import path from 'node:path'
import {
  before, describe, test,
} from 'node:test'

import {compactBefore} from '../../src/store/compaction.js'
import {LocalAccess} from '../../src/store/local-access.js'
import {type CliResult, type Sandbox} from '../helpers/cli.js'
import {usePrivateDisplay} from '../helpers/display-suite.js'
import {readParquet} from '../helpers/parquet.js'
import {e2eSkipReason} from '../helpers/xvfb.js'

const skip = e2eSkipReason()

// 2026-11-23 08:00 UTC, a Monday; the data spans two days.
const T0 = Date.UTC(2026, 10, 23, 8, 0, 0) * 1000
const DAY = 86_400_000_000

/**
 * Several thousand rows of every kind over two days and four apps: 6000 key presses and
 * releases, 3000 clicks at 3000 distinct 40-px cells (so even the report's click-cell query
 * returns more than one ~2048-row batch), mouse moves and wheel events.
 */
async function plant(file: string): Promise<number> {
  const access = await LocalAccess.open(file)
  const connection = await access.connect()
  try {
    await connection.run(`INSERT INTO sessions (started_at, ended_at, level) VALUES (make_timestamp(${T0}), make_timestamp(${T0 + 2 * DAY}), 'full')`)
    const apps = 'CASE i % 4 WHEN 0 THEN \'code\' WHEN 1 THEN \'firefox\' WHEN 2 THEN \'xterm\' ELSE NULL END'
    // Bursts of ten presses 150 ms apart, one burst every 8 s: bursts, hesitations and cadence all show.
    const at = `make_timestamp(${T0} + (i // 3000) * ${DAY} + ((i % 3000) // 10) * 8_000_000 + (i % 10) * 150_000 + i % 7)`
    await connection.run(`INSERT INTO events_live
      SELECT ${at}, 1, 'key_down', 30 + i % 20, CASE WHEN i % 11 = 0 THEN 'correction' ELSE 'letter' END, NULL, NULL, NULL, NULL, NULL, NULL, ${apps}, NULL FROM range(6000) t(i)
      UNION ALL SELECT ${at} + INTERVAL 80 MILLISECOND, 1, 'key_up', 30 + i % 20, 'letter', NULL, NULL, NULL, NULL, NULL, NULL, ${apps}, NULL FROM range(6000) t(i)
      UNION ALL SELECT ${at} + INTERVAL 1 SECOND, 1, 'mouse_move', NULL, NULL, (i * 37) % 1900, (i * 53) % 1060, NULL, NULL, NULL, NULL, ${apps}, NULL FROM range(6000) t(i)
      UNION ALL SELECT ${at} + INTERVAL 1500 MILLISECOND, 1, 'mouse_down', NULL, NULL, (i % 60) * 40 + 3, (i // 60) * 40 + 3, 1, NULL, NULL, NULL, ${apps}, NULL FROM range(3000) t(i)
      UNION ALL SELECT ${at} + INTERVAL 1700 MILLISECOND, 1, 'wheel', NULL, NULL, 10, 20, NULL, 1 + i % 3, CASE WHEN i % 2 = 0 THEN 'down' ELSE 'up' END, NULL, ${apps}, NULL FROM range(2000) t(i)`)
    // Compacted now, as the daemon would once these days are past: both passes then read the same
    // stored rows (the daemon compacting between them would change the stamps' sub-ms digits), and
    // every read goes through the compacted tables, whose view gives rows table by table.
    await compactBefore(connection, Date.UTC(2026, 10, 25) * 1000)
    const reader = await connection.runAndReadAll('SELECT count(*)::INTEGER AS n FROM events')
    return Number(reader.getRowObjectsJS()[0].n)
  } finally {
    connection.closeSync()
    access.close()
  }
}

interface Reading {
  /** stdout of each read command, by a name for the path it takes. */
  outputs: Map<string, string>
  /** Exported files, by name, as read back (text, or Parquet rows and time metadata). */
  files: Map<string, unknown>
}

const READS: Record<string, string[]> = {
  'summarize --json': ['summarize', '--json'],
  'summarize --by app --json': ['summarize', '--by', 'app', '--json'],
  'summarize --by day --json': ['summarize', '--by', 'day', '--json'],
  'summarize --by hour --json': ['summarize', '--by', 'hour', '--json'],
  'summarize --by app (terminal)': ['summarize', '--by', 'app'],
  'inspect --json': ['inspect', '--json', '--limit', '30000'],
  'inspect --csv': ['inspect', '--csv', '--limit', '30000'],
  'inspect (table)': ['inspect', '--limit', '5000'],
  'query --json': ['query', 'SELECT *, timezone(\'UTC\', ts) AS instant FROM events ORDER BY ts, kind', '--json'],
  'query --csv': ['query', 'SELECT * FROM events ORDER BY ts, kind', '--csv'],
  'query (table)': ['query', 'SELECT ts, kind, x, y, app FROM events ORDER BY ts, kind LIMIT 5000'],
  'query --json (grouped)': ['query', 'SELECT kind, count(*) AS n FROM events GROUP BY kind ORDER BY kind', '--json'],
}

const EXPORTS: Array<[string, string[]]> = [
  ['events.parquet', []],
  ['events.csv', []],
  ['events.json', []],
  ['events.ndjson', []],
  ['minutes.parquet', ['--redact', 'aggregate']],
  ['minutes.json', ['--redact', 'aggregate']],
  ['coarse.csv', ['--redact', 'coarse']],
]

/**
 * The contract between the two Store implementations: every read path (summaries, the report's
 * data, inspect, query, export) gives the same result whether it goes through the running
 * daemon's socket or opens the file itself, over the same database. Commands run in a zone other
 * than UTC so local-time and UTC rules both show.
 */
describe('reads through the daemon equal reads from the file', {skip}, () => {
  const display = usePrivateDisplay()
  let s: Sandbox
  let events: number
  const readings: Record<'daemon' | 'file', Reading> = {
    daemon: {outputs: new Map(), files: new Map()},
    file: {outputs: new Map(), files: new Map()},
  }

  async function run(args: string[]): Promise<CliResult> {
    const result = await s.run(args, {env: {TZ: 'America/New_York'}})
    assert.equal(result.code, 0, `devtrace ${args.join(' ')}: ${result.stderr}`)
    return result
  }

  async function read(via: 'daemon' | 'file'): Promise<void> {
    const status = JSON.parse((await run(['status', '--json'])).stdout) as {running: boolean}
    assert.equal(status.running, via === 'daemon')
    const reading = readings[via]
    // How far the 15-minute rollup reached is the one field that depends on when a summary ran
    // (the file pass and the daemon pass may fall on either side of a slot boundary); every count
    // is the same either way, since the rollup and the raw events agree exactly.
    for (const [name, args] of Object.entries(READS)) reading.outputs.set(name, (await run(args)).stdout.replaceAll(/"rollup_until": ?"[^"]*"/g, '"rollup_until": "…"'))
    const report = path.join(s.home, `report-${via}.html`)
    await run(['report', '--out', report])
    // The report's own creation time is the only thing allowed to differ.
    reading.files.set('report.html', readFileSync(report, 'utf8').replace(/Generated by devtrace at [^.]+\.\d+Z/, 'Generated by devtrace at …'))
    for (const [name, args] of EXPORTS) {
      const out = path.join(s.home, `${via}-${name}`)
      await run(['export', '--out', out, ...args])
      reading.files.set(name, name.endsWith('.parquet') ? await readParquet(out) : readFileSync(out, 'utf8'))
    }

    // The upload payload (default: per-minute totals as Parquet), saved by a dry run that sends nothing.
    const payload = path.join(s.home, `${via}-payload.parquet`)
    await run(['upload', '--to', 'http://127.0.0.1:9/in', '--dry-run', '--save', payload])
    reading.files.set('upload payload', await readParquet(payload))
  }

  before(async () => {
    s = display.sandbox()
    events = await plant(path.join(s.home, 'devtrace.duckdb'))
    await read('file')
    await run(['start'])
    await read('daemon')
    await run(['stop'])
  })

  test('the planted data is large enough to come in several row batches', () => {
    assert.equal(events, 23_000)
    const inspected = JSON.parse(readings.file.outputs.get('inspect --json')!) as unknown[]
    assert.equal(inspected.length, events)
    const report = readings.file.files.get('report.html') as string
    assert.match(report, /<div class="label">Clicks<\/div><div class="value">3,000<\/div>/)
  })

  for (const name of Object.keys(READS)) {
    test(`${name}: identical through the daemon and from the file`, () => {
      const fromFile = readings.file.outputs.get(name)!
      assert.ok(fromFile.length > 0)
      assert.equal(readings.daemon.outputs.get(name), fromFile)
    })
  }

  test('report: the same HTML both ways, with real click counts and no NaN', () => {
    const fromFile = readings.file.files.get('report.html') as string
    assert.doesNotMatch(fromFile, /NaN/)
    // Line by line, so a difference shows as the lines that differ.
    assert.deepEqual((readings.daemon.files.get('report.html') as string).split('\n'), fromFile.split('\n'))
  })

  for (const name of [...EXPORTS.map(([file]) => file), 'upload payload']) {
    test(`${name}: the same rows both ways`, () => {
      assert.deepEqual(readings.daemon.files.get(name), readings.file.files.get(name))
    })
  }

  test('every time is ISO-8601 UTC with Z and microseconds, TIMESTAMPTZ values too, in a New York session', () => {
    const rows = JSON.parse(readings.daemon.outputs.get('query --json')!) as Array<{instant: string; ts: string}>
    assert.equal(rows[0].ts, '2026-11-23T08:00:00.000000Z')
    for (const row of rows) assert.equal(row.instant, row.ts)
    const csv = readings.daemon.outputs.get('query --csv')!.split('\n')[1]
    assert.match(csv, /^2026-11-23T08:00:00\.000000Z,/)
    const exported = JSON.parse(readings.daemon.files.get('events.json') as string) as Array<{ts: string}>
    for (const row of exported) assert.match(row.ts, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/)
    // The first key's release: 80 ms, all six digits kept.
    assert.ok(exported.some(row => row.ts === '2026-11-23T08:00:00.080000Z'))
    const parquet = readings.daemon.files.get('events.parquet') as {rows: Array<{ts: string}>; timestamps: unknown}
    assert.deepEqual(parquet.timestamps, [{name: 'ts', logical: {type: 'TIMESTAMP', isAdjustedToUTC: true, unit: 'MICROS'}}])
    assert.equal(parquet.rows[0].ts, String(T0))
    const minutes = readings.daemon.files.get('minutes.parquet') as {timestamps: unknown}
    assert.deepEqual(minutes.timestamps, [{name: 'minute', logical: {type: 'TIMESTAMP', isAdjustedToUTC: true, unit: 'MICROS'}}])
  })
})
