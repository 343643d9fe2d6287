/**
 * bench/peak-memory: peak resident memory and wall time of every long command (issue 15), each run
 * as its own process of the built CLI (bin/run.js) under `/usr/bin/time -v`.
 *
 *   npm run bench:peak-memory -- [--events 10000000] [--runs 2] [--demo-days 30] [--skip-demo]
 *
 * The database: --events synthetic events from bench/generate-events.ts (SQL, one event every
 * 50 ms on average from 2026-01-01, day and night), written once, no rollup yet. It lives in a
 * private temporary DEVTRACE_HOME (never the user's), with no daemon running there, so every
 * command opens the file itself. No command that sends anything (upload) is run, and the commands
 * run have no network code.
 *
 * Each round: a fresh copy of the database, then in turn `summarize --json` (builds the rollup),
 * `summarize --json` again (rollup present), `report --out`, `export --out FILE.parquet`,
 * `export --format csv`, `exposure --json`, `forget` of one day in the middle and
 * `redact --profile coarse` (both on a copy of the database as it was after the summaries, so each
 * sees every event and the rollup), then `demo --days N --json` (its own database under the same
 * home). Prints each measurement as it is taken, then a Markdown table of the medians over the
 * rounds, with the load average seen before each command. The folder is deleted afterwards.
 */
import {DuckDBInstance} from '@duckdb/node-api'
import {spawnSync} from 'node:child_process'
import {
  copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync,
} from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import {fileURLToPath} from 'node:url'

import {generateEvents} from './generate-events.js'
import {median, option} from './run-options.js'

const ROOT = path.join(path.dirname(fileURLToPath(import.meta.url)), '..')
const BIN = path.join(ROOT, 'bin', 'run.js')
const MIB = 1024 * 1024

function log(text: string): void {
  process.stderr.write(`[${new Date().toISOString().slice(11, 19)}] ${text}\n`)
}

function load(): string {
  return os.loadavg().map(value => value.toFixed(2)).join(' ')
}

const events = option('--events', 10_000_000)
const runs = option('--runs', 2)
const demoDays = option('--demo-days', 30)
const skipDemo = process.argv.includes('--skip-demo')
if (!Number.isInteger(events) || events <= 0 || !Number.isInteger(runs) || runs <= 0) throw new Error('--events and --runs must be positive integers')

interface Measurement {
  rssKiB: number
  wallSeconds: number
  load: string
  events?: number
}

const work = mkdtempSync(path.join(os.tmpdir(), 'devtrace-bench-peak-memory-'))
const home = path.join(work, 'home')
const database = path.join(home, 'devtrace.duckdb')
const base = path.join(work, 'base.duckdb')
const afterSummaries = path.join(work, 'after-summaries.duckdb')
const out = path.join(work, 'out')
// Only this folder: no daemon socket, no config, no user data. HOME too, so nothing reads ~/.
const env: NodeJS.ProcessEnv = {
  ...process.env, DEVTRACE_HOME: home, HOME: work, NO_COLOR: '1',
}
delete env.DEVTRACE_DAEMON_MEMORY

/** Copies a database and its write-ahead log, if any (commands close the file cleanly, so normally none). */
function copyDatabase(from: string, to: string): void {
  rmSync(`${to}.wal`, {force: true})
  copyFileSync(from, to)
  if (existsSync(`${from}.wal`)) copyFileSync(`${from}.wal`, `${to}.wal`)
}

function parseWall(text: string): number {
  // h:mm:ss or m:ss.ss
  const parts = text.split(':').map(Number)
  return parts.reduce((total, part) => total * 60 + part, 0)
}

function measure(args: string[]): {measurement: Measurement; stdout: string} {
  const before = load()
  const result = spawnSync('/usr/bin/time', ['-v', process.execPath, BIN, ...args], {
    encoding: 'utf8', env, maxBuffer: 256 * MIB,
  })
  if (result.status !== 0) throw new Error(`devtrace ${args.join(' ')} failed (${result.status}): ${result.stderr.slice(-2000)}`)
  const rss = /Maximum resident set size \(kbytes\): (\d+)/.exec(result.stderr)
  const wall = /Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): ([\d:.]+)/.exec(result.stderr)
  if (!rss || !wall) throw new Error(`no /usr/bin/time -v output for ${args.join(' ')}`)
  return {measurement: {rssKiB: Number(rss[1]), wallSeconds: parseWall(wall[1]), load: before}, stdout: result.stdout}
}

async function query(file: string, sql: string): Promise<Record<string, unknown>> {
  const instance = await DuckDBInstance.create(file, {access_mode: 'READ_ONLY'})
  const connection = await instance.connect()
  try {
    return (await connection.runAndReadAll(sql)).getRowObjectsJS()[0]
  } finally {
    connection.closeSync()
    instance.closeSync()
  }
}

const results = new Map<string, Measurement[]>()
function record(name: string, measurement: Measurement): void {
  if (!results.has(name)) results.set(name, [])
  results.get(name)!.push(measurement)
  log(`${name}: ${(measurement.rssKiB / 1024).toFixed(0)} MiB peak RSS, ${measurement.wallSeconds.toFixed(1)} s (load before: ${measurement.load})`)
}

try {
  mkdirSync(home, {recursive: true})
  mkdirSync(out, {recursive: true})
  log(`work folder ${work}; load average ${load()}`)
  const started = performance.now()
  await generateEvents(base, events)
  log(`generated ${events.toLocaleString('en-US')} events in ${((performance.now() - started) / 1000).toFixed(1)} s`)
  const span = await query(base, 'SELECT min(ts)::DATE::VARCHAR AS first, max(ts)::DATE::VARCHAR AS last, count(*) AS n FROM events')
  const first = new Date(`${span.first as string}T00:00:00Z`)
  const last = new Date(`${span.last as string}T00:00:00Z`)
  const middle = new Date(first.getTime() + Math.floor((last.getTime() - first.getTime()) / 86_400_000 / 2) * 86_400_000)
  const since = middle.toISOString().slice(0, 10)
  const until = new Date(middle.getTime() + 86_400_000).toISOString().slice(0, 10)
  const count = Number(span.n)
  log(`events ${span.first as string} … ${span.last as string}; forget ${since} … ${until}`)

  for (let round = 1; round <= runs; round++) {
    log(`round ${round} of ${runs}`)
    copyDatabase(base, database)
    const withCount = (m: Measurement, n = count): Measurement => ({...m, events: n})
    record('`summarize --json` (first: builds the rollup)', withCount(measure(['summarize', '--json']).measurement))
    record('`summarize --json` (rollup present)', withCount(measure(['summarize', '--json']).measurement))
    copyDatabase(database, afterSummaries)
    record('`report --out FILE.html`', withCount(measure(['report', '--out', path.join(out, 'report.html'), '--force']).measurement))
    record('`export --out FILE.parquet`', withCount(measure(['export', '--out', path.join(out, 'events.parquet'), '--force']).measurement))
    record('`export --format csv --out FILE.csv`', withCount(measure(['export', '--format', 'csv', '--out', path.join(out, 'events.csv'), '--force']).measurement))
    rmSync(out, {force: true, recursive: true})
    mkdirSync(out, {recursive: true})
    record('`exposure --json`', withCount(measure(['exposure', '--json']).measurement))
    record(`\`forget --since ${since} --until ${until} --yes\``, withCount(measure(['forget', '--since', since, '--until', until, '--yes']).measurement))
    copyDatabase(afterSummaries, database)
    record('`redact --profile coarse --yes`', withCount(measure(['redact', '--profile', 'coarse', '--yes']).measurement))
    if (!skipDemo) {
      const demo = measure(['demo', '--days', String(demoDays), '--json'])
      const demoEvents = (JSON.parse(demo.stdout) as {events?: number}).events
      record(`\`demo --days ${demoDays} --json\``, {...demo.measurement, events: demoEvents})
    }
  }

  const machine = `${os.cpus().length} cores (${os.cpus()[0]?.model ?? 'unknown'}), ${Math.round(os.totalmem() / 2 ** 30)} GiB RAM, Node ${process.version}`
  console.log(`\n${count.toLocaleString('en-US')} events (bench/generate-events.ts), ${machine}, median of ${runs} run(s), ${new Date().toISOString().slice(0, 16)} UTC\n`)
  console.log('| command | peak RSS MiB | wall s | events | load average before each run |')
  console.log('| --- | --- | --- | --- | --- |')
  for (const [name, measurements] of results) {
    const rss = median(measurements.map(m => m.rssKiB)) / 1024
    const wall = median(measurements.map(m => m.wallSeconds))
    const n = measurements[0].events
    const each = {
      rss: measurements.map(m => (m.rssKiB / 1024).toFixed(0)).join(', '),
      wall: measurements.map(m => m.wallSeconds.toFixed(1)).join(', '),
      load: measurements.map(m => m.load).join(' / '),
    }
    console.log(`| ${name} | ${rss.toFixed(0)} (${each.rss}) | ${wall.toFixed(1)} (${each.wall}) | ${n === undefined ? '?' : n.toLocaleString('en-US')} | ${each.load} |`)
  }
} finally {
  rmSync(work, {force: true, recursive: true})
}
