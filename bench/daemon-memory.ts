/**
 * bench/daemon-memory: the capture daemon's resident memory next to its runtime's floor (issue 15),
 * idle and under a steady pointer stream.
 *
 *   npm run build && node --import tsx bench/daemon-memory.ts [--rounds 3] [--settle 10]
 *     [--stream-seconds 20] [--rate 1000] [--base DIR] [--flags "--max-semi-space-size=1"]
 *     [--env MALLOC_ARENA_MAX=2]
 *
 * Subjects, one at a time, each on a private Xvfb and the same database, the order alternating
 * each round: the daemon as `devtrace start` runs it (`start --foreground --mouse-hz 0` through
 * bin/run.js's fast path); with --base, the same from another build (a copy of an older bin/ and
 * dist/ with node_modules beside it: the before of a change, in the same run); with --flags, the
 * daemon under those Node flags; with --env, the daemon with that variable set; and the floor,
 * bench/memory-floor.mjs (Node + uiohook-napi with the hook running + @duckdb/node-api with the
 * database open, nothing else).
 *
 * Each subject: VmRSS (/proc/<pid>/status) after --settle seconds idle; then --rate moves a second
 * for --stream-seconds (one `xdotool -`, every move to a new position), VmRSS and VmHWM 1.5 s after
 * the last; then SIGTERM and the moves it saw (a daemon's stored mouse_move rows of its session,
 * counted in the file once it has stopped; the floor's count of hook events). Prints each round,
 * the medians and the ratios to the floor; target ≤ 1.25× idle and under the stream.
 */
import {DuckDBInstance} from '@duckdb/node-api'
import {execFileSync, spawn} from 'node:child_process'
import {mkdtempSync, readFileSync, rmSync} from 'node:fs'
import os from 'node:os'
import path from 'node:path'

import {startXvfb} from '../test/helpers/xvfb.js'
import {pointerStream} from './pointer-stream.js'

const ROOT = path.resolve(import.meta.dirname, '..')
const argv = process.argv.slice(2)
const option = (name: string): string | undefined => {
  const index = argv.indexOf(name)
  return index === -1 ? undefined : argv[index + 1]
}

const rounds = Number(option('--rounds') ?? 3)
const settleSeconds = Number(option('--settle') ?? 10)
const streamSeconds = Number(option('--stream-seconds') ?? 20)
const rate = Number(option('--rate') ?? 1000)
const base = option('--base')
const nodeFlags = option('--flags')?.split(' ').filter(Boolean)
/** NAME=VALUE: a daemon subject with this in its environment (e.g. MALLOC_ARENA_MAX=2). */
const extraEnv = option('--env')
const TAIL_MS = 1500

const sleep = (ms: number): Promise<void> => new Promise(resolve => {
  setTimeout(resolve, ms)
})
const statusMiB = (pid: number, field: string): number => Number(new RegExp(`${field}:\\s+(\\d+)`).exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]) / 1024
const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b)
  const middle = Math.floor(sorted.length / 2)
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
}

interface Subject {
  args: string[]
  floor?: boolean
  env?: Record<string, string>
}

const daemonArgs = (bin: string): string[] => [bin, 'start', '--foreground', '--mouse-hz', '0']
const subjects: Record<string, Subject> = {daemon: {args: daemonArgs(path.join(ROOT, 'bin', 'run.js'))}}
if (base) subjects['daemon (base)'] = {args: daemonArgs(path.join(path.resolve(base), 'bin', 'run.js'))}
if (nodeFlags) subjects[`daemon ${nodeFlags.join(' ')}`] = {args: [...nodeFlags, ...daemonArgs(path.join(ROOT, 'bin', 'run.js'))]}
if (extraEnv) subjects[`daemon ${extraEnv}`] = {args: daemonArgs(path.join(ROOT, 'bin', 'run.js')), env: Object.fromEntries([extraEnv.split('=', 2) as [string, string]])}
subjects.floor = {args: [path.join(ROOT, 'bench', 'memory-floor.mjs')], floor: true}

interface Sample {
  idle: number
  stream: number
  hwm: number
  sent: number
  seen: number
}

async function storedMoves(database: string): Promise<number> {
  const instance = await DuckDBInstance.create(database)
  try {
    const connection = await instance.connect()
    const reader = await connection.runAndReadAll('SELECT count(*)::INTEGER FROM events WHERE kind = \'mouse_move\' AND session_id = (SELECT max(id) FROM sessions)')
    connection.closeSync()
    return reader.getRows()[0][0] as number
  } finally {
    instance.closeSync()
  }
}

async function measure(subject: Subject, env: NodeJS.ProcessEnv, database: string, display: string): Promise<Sample> {
  const child = spawn(process.execPath, subject.floor ? [...subject.args, database] : subject.args, {env: {...env, ...subject.env}, stdio: ['ignore', 'pipe', 'inherit']})
  let out = ''
  const gone = new Promise<void>(resolve => {
    child.once('exit', () => resolve())
  })
  await new Promise<void>((resolve, reject) => {
    const ready = subject.floor ? 'ready' : 'capturing in the foreground'
    child.stdout!.on('data', chunk => {
      out += String(chunk)
      if (out.includes(ready)) resolve()
    })
    child.once('exit', code => reject(new Error(`${subject.args.join(' ')} exited ${code} before ready: ${out}`)))
  })
  await sleep(settleSeconds * 1000)
  const idle = statusMiB(child.pid!, 'VmRSS')
  const {sent} = await pointerStream(display, rate, streamSeconds)
  await sleep(TAIL_MS)
  const stream = statusMiB(child.pid!, 'VmRSS')
  const hwm = statusMiB(child.pid!, 'VmHWM')
  child.kill('SIGTERM')
  await gone
  const seen = subject.floor ? (JSON.parse(out.slice(out.indexOf('{'))) as {events: number}).events : await storedMoves(database)
  return {
    idle, stream, hwm, sent, seen,
  }
}

const x = await startXvfb()
const home = mkdtempSync(path.join(os.tmpdir(), 'devtrace-bench-memory-'))
const env = {
  ...process.env, DISPLAY: x.display, DEVTRACE_HOME: home, NO_COLOR: '1',
}
const database = path.join(home, 'devtrace.duckdb')
const results: Record<string, Sample[]> = Object.fromEntries(Object.keys(subjects).map(name => [name, []]))
const loads: number[] = []
try {
  for (let round = 0; round < rounds; round++) {
    const names = round % 2 === 0 ? Object.keys(subjects) : Object.keys(subjects).reverse()
    // The floor needs the database: the first round starts with a daemon, which creates it.
    if (round === 0) names.sort((a, b) => Number(a === 'floor') - Number(b === 'floor'))
    for (const name of names) {
      // Park the pointer away from every position the stream visits.
      execFileSync('xdotool', ['mousemove', '5', '5'], {env})
      const sample = await measure(subjects[name], env, database, x.display)
      results[name].push(sample)
      loads.push(os.loadavg()[0])
      console.log(`round ${round + 1}: ${name}: idle ${sample.idle.toFixed(1)} MiB, stream ${sample.stream.toFixed(1)} MiB (HWM ${sample.hwm.toFixed(1)}), moves ${sample.seen}/${sample.sent}`)
    }
  }

  const floorIdle = median(results.floor.map(s => s.idle))
  const floorStream = median(results.floor.map(s => s.stream))
  const loadText = `${Math.min(...loads).toFixed(1)}–${Math.max(...loads).toFixed(1)}`
  console.log(`\nload average (1 min) ${loadText}; idle ${settleSeconds} s after ready, stream ${rate}/s for ${streamSeconds} s; medians of ${rounds} rounds`)
  console.log('| process | idle RSS (MiB) | × floor | RSS after the stream (MiB) | × floor | VmHWM (MiB) | moves seen |\n| --- | ---: | ---: | ---: | ---: | ---: | --- |')
  const each = (samples: Sample[], part: 'idle' | 'stream'): string => samples.map(s => s[part].toFixed(1)).join(', ')
  for (const [name, samples] of Object.entries(results)) {
    const idle = median(samples.map(s => s.idle))
    const stream = median(samples.map(s => s.stream))
    const moves = samples.map(s => `${s.seen}/${s.sent}`).join(', ')
    console.log(`| ${name} | ${idle.toFixed(1)} (${each(samples, 'idle')}) | ${(idle / floorIdle).toFixed(2)}× | ${stream.toFixed(1)} (${each(samples, 'stream')}) | ${(stream / floorStream).toFixed(2)}× | ${median(samples.map(s => s.hwm)).toFixed(1)} | ${moves} |`)
  }
} finally {
  await x.stop()
  rmSync(home, {force: true, recursive: true})
}
