/**
 * bench/query — reading through the running daemon vs reading the file directly.
 *
 *   node --import tsx bench/query.ts [--events 10000000] [--runs 10]
 *
 * 1. `inspect --limit 50` (a small query), whole command, daemon running vs stopped (hyperfine).
 * 2. `query "SELECT * FROM events" --csv` of N rows: wall time, rows/s, and peak RSS of the
 *    client (/usr/bin/time -v) and of the daemon (VmHWM), for 1/10 and all of the rows, to show
 *    memory stays flat as the result grows.
 * The daemon runs on a private Xvfb display. Results: stdout (markdown) and bench/results/.
 */
import {execFileSync, spawn, spawnSync} from 'node:child_process'
import {
  mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync,
} from 'node:fs'
import os from 'node:os'
import path from 'node:path'

import {startXvfb} from '../test/helpers/xvfb.js'
import {generateEvents} from './generate-events.js'

const argument = (name: string, fallback: number): number => {
  const index = process.argv.indexOf(`--${name}`)
  return index > 0 ? Number(process.argv[index + 1]) : fallback
}

const EVENTS = argument('events', 10_000_000)
const RUNS = argument('runs', 10)
const ROOT = path.resolve(import.meta.dirname, '..')
const BIN = path.join(ROOT, 'bin', 'run.js')

const home = mkdtempSync(path.join(os.tmpdir(), 'devtrace-bench-query-'))
const x = await startXvfb()
const env = {
  ...process.env, DEVTRACE_HOME: home, DISPLAY: x.display, NO_COLOR: '1',
}

function cli(...args: string[]): string {
  return execFileSync(process.execPath, [BIN, ...args], {env, encoding: 'utf8'})
}

function daemonPid(): number {
  return (JSON.parse(cli('status', '--json')) as {pid: number}).pid
}

function vmHwmKiB(pid: number): number {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8').split('\n').find(row => row.startsWith('VmHWM:'))!
  return Number(line.split(/\s+/)[1])
}

interface Timed {
  seconds: number
  clientPeakMiB: number
  rows: number
}

/** Run the CLI under /usr/bin/time -v, discarding stdout but counting its lines. */
function timedQuery(sql: string): Promise<Timed> {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint()
    const child = spawn('/usr/bin/time', ['-v', process.execPath, BIN, 'query', sql, '--csv'], {env, stdio: ['ignore', 'pipe', 'pipe']})
    let lines = 0
    let stderr = ''
    child.stdout.on('data', (chunk: Buffer) => {
      for (const byte of chunk) if (byte === 10) lines++
    })
    child.stderr.on('data', chunk => {
      stderr += chunk
    })
    child.on('exit', code => {
      if (code !== 0) {
        reject(new Error(`query failed: ${stderr}`))
        return
      }

      const seconds = Number(process.hrtime.bigint() - started) / 1e9
      const peak = Number(/Maximum resident set size \(kbytes\): (\d+)/.exec(stderr)![1])
      resolve({seconds, clientPeakMiB: peak / 1024, rows: lines - 1})
    })
  })
}

function hyperfine(label: string): {median: number; mean: number} {
  const out = path.join(home, `${label}.json`)
  const run = spawnSync('hyperfine', ['--warmup', '2', '--runs', String(RUNS), '--export-json', out, `${process.execPath} ${BIN} inspect --limit 50`], {
    env,
    stdio: ['ignore', 'ignore', 'pipe'],
    encoding: 'utf8',
  })
  if (run.status !== 0) throw new Error(`hyperfine failed (${label}): ${run.stderr}`)
  const result = (JSON.parse(readFileSync(out, 'utf8')) as {results: Array<{mean: number; median: number}>}).results[0]
  return {median: result.median, mean: result.mean}
}

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b)
  const middle = Math.floor(sorted.length / 2)
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
}

try {
  console.error(`generating ${EVENTS} events…`)
  await generateEvents(path.join(home, 'devtrace.duckdb'), EVENTS)

  // 1. small query, alternating daemon / direct twice so drift on a shared machine shows up in both.
  const small: Record<'daemon' | 'direct', number[]> = {daemon: [], direct: []}
  for (let round = 0; round < 2; round++) {
    cli('start')
    small.daemon.push(hyperfine(`daemon-${round}`).median)
    cli('stop')
    small.direct.push(hyperfine(`direct-${round}`).median)
  }

  // 2. large CSV: a tenth of the rows, then all, through the daemon and directly.
  const tenth = `SELECT * FROM events LIMIT ${Math.floor(EVENTS / 10)}`
  const all = 'SELECT * FROM events'
  const large: Array<{path: string; rows: number; seconds: number; rowsPerSecond: number; clientPeakMiB: number; daemonPeakMiB: null | number}> = []
  for (const sql of [tenth, all]) {
    cli('start')
    const pid = daemonPid()
    const before = vmHwmKiB(pid)
    const viaDaemon = await timedQuery(sql)
    const daemonPeak = vmHwmKiB(pid)
    cli('stop')
    const direct = await timedQuery(sql)
    large.push(
      {
        path: 'daemon', rows: viaDaemon.rows, seconds: viaDaemon.seconds, rowsPerSecond: viaDaemon.rows / viaDaemon.seconds, clientPeakMiB: viaDaemon.clientPeakMiB, daemonPeakMiB: daemonPeak / 1024,
      },
      {
        path: 'direct', rows: direct.rows, seconds: direct.seconds, rowsPerSecond: direct.rows / direct.seconds, clientPeakMiB: direct.clientPeakMiB, daemonPeakMiB: null,
      },
    )
    console.error(`daemon VmHWM before the query ${(before / 1024).toFixed(0)} MiB, after ${(daemonPeak / 1024).toFixed(0)} MiB`)
  }

  const daemonSmall = median(small.daemon)
  const directSmall = median(small.direct)
  console.log(`## query (${EVENTS.toLocaleString('en')} events)\n`)
  console.log('| small query: `inspect --limit 50` | median of hyperfine medians (s) | runs |')
  console.log('| --- | --- | --- |')
  console.log(`| through the running daemon | ${daemonSmall.toFixed(3)} | ${small.daemon.map(v => v.toFixed(3)).join(', ')} |`)
  console.log(`| daemon stopped (file opened directly) | ${directSmall.toFixed(3)} | ${small.direct.map(v => v.toFixed(3)).join(', ')} |`)
  console.log(`\nratio daemon/direct: **${(daemonSmall / directSmall).toFixed(2)}×** (target ≤ 1.3×)\n`)
  console.log('| `query --csv` | rows | seconds | rows/s | client peak RSS (MiB) | daemon peak RSS (MiB) |')
  console.log('| --- | --- | --- | --- | --- | --- |')
  for (const row of large) {
    console.log(`| ${row.path} | ${row.rows.toLocaleString('en')} | ${row.seconds.toFixed(2)} | ${Math.round(row.rowsPerSecond).toLocaleString('en')} | ${row.clientPeakMiB.toFixed(0)} | ${row.daemonPeakMiB === null ? '—' : row.daemonPeakMiB.toFixed(0)} |`)
  }

  const [tenthDaemon, tenthDirect, allDaemon, allDirect] = large
  console.log(`\nlarge ratio daemon/direct: ${(allDaemon.seconds / allDirect.seconds).toFixed(2)}× (all rows), ${(tenthDaemon.seconds / tenthDirect.seconds).toFixed(2)}× (a tenth)`)
  mkdirSync(path.join(ROOT, 'bench', 'results'), {recursive: true})
  writeFileSync(path.join(ROOT, 'bench', 'results', `query-${Date.now()}.json`), JSON.stringify({events: EVENTS, small, large}, null, 2))
} finally {
  try {
    cli('stop')
  } catch {}

  await x.stop()
  rmSync(home, {force: true, recursive: true})
}
