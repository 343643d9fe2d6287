/**
 * bench/capture-path: the JavaScript the daemon runs per input event, in one process, without X:
 * the hook's listener (src/capture/hook.ts) → Recorder → drain → EventWriter's Appender into a
 * real DuckDB file, committed every 1,000 events (the daemon commits once a second at 1000/s).
 * Beside it, in the same process and alternating rounds, the bare listener's work (count the
 * event). Events are objects shaped like uiohook-napi's, made fresh per event as the addon does.
 *
 *   node --import tsx bench/capture-path.ts [--events 200000] [--rounds 5] [--mouse-hz 0]
 *
 * Prints CPU µs per event (process.cpuUsage: user+system, all threads) for each subject, the
 * median of the rounds, and the GC count/time per 100k events (PerformanceObserver 'gc').
 */
import {DuckDBInstance} from '@duckdb/node-api'
import {mkdtempSync, rmSync} from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import {PerformanceObserver} from 'node:perf_hooks'

import {inputListener} from '../src/capture/hook.js'
import {Recorder} from '../src/capture/recorder.js'
import {EventWriter} from '../src/store/event-writer.js'
import {migrate} from '../src/store/schema.js'

const args = new Map<string, number>()
for (let i = 2; i < process.argv.length; i += 2) args.set(process.argv[i], Number(process.argv[i + 1]))
const EVENTS = args.get('--events') ?? 200_000
const ROUNDS = args.get('--rounds') ?? 5
const MOUSE_HZ = args.get('--mouse-hz') ?? 0
const COMMIT_EVERY = 1000

/** A fresh uiohook-napi-shaped move (the addon builds a new object per event). */
function move(i: number): Record<string, unknown> {
  return {
    type: 9, time: i, altKey: false, ctrlKey: false, metaKey: false, shiftKey: false, x: 100 + (i % 1000), y: 100 + Math.floor(i / 1000), button: 0, clicks: 0,
  }
}

let gcCount = 0
let gcMs = 0
new PerformanceObserver(list => {
  for (const entry of list.getEntries()) {
    gcCount++
    gcMs += entry.duration
  }
}).observe({entryTypes: ['gc']})

interface Run {cpuMicrosPerEvent: number; gcPer100k: number; gcMsPer100k: number}

async function measure(feed: (i: number) => void, commit: () => void): Promise<Run> {
  const gc0 = gcCount
  const gcMs0 = gcMs
  const before = process.cpuUsage()
  for (let i = 0; i < EVENTS; i++) {
    feed(i)
    if ((i + 1) % COMMIT_EVERY === 0) commit()
  }

  commit()
  const used = process.cpuUsage(before)
  // GC entries reach the observer on a later turn of the event loop.
  await new Promise(resolve => {
    setTimeout(resolve, 50)
  })
  return {
    cpuMicrosPerEvent: (used.user + used.system) / EVENTS,
    gcPer100k: ((gcCount - gc0) * 100_000) / EVENTS,
    gcMsPer100k: ((gcMs - gcMs0) * 100_000) / EVENTS,
  }
}

const median = (values: number[]): number => values.toSorted((a, b) => a - b)[Math.floor(values.length / 2)]

const dir = mkdtempSync(path.join(os.tmpdir(), 'devtrace-capture-path-'))
try {
  const instance = await DuckDBInstance.create(path.join(dir, 'bench.duckdb'))
  const connection = await instance.connect()
  await migrate(connection, path.join(dir, 'bench.duckdb'))
  const writer = await EventWriter.open(connection, 1)
  const recorder = new Recorder({level: 'standard', mouseHz: MOUSE_HZ, queueCapacity: 200_000})
  const daemonListener = inputListener((raw, ts) => recorder.handle(raw, ts), error => {
    throw error
  })
  let counted = 0
  const bareListener = (event: Record<string, unknown>): void => {
    counted++
    if (event.type === 9) counted++
  }

  const runs: Record<'bare' | 'daemon', Run[]> = {bare: [], daemon: []}
  for (let round = 0; round < ROUNDS + 1; round++) {
    // Round 0 warms both paths up (JIT) and is not counted.
    const order = round % 2 === 0 ? (['daemon', 'bare'] as const) : (['bare', 'daemon'] as const)
    for (const subject of order) {
      const run = await (subject === 'bare'
        ? measure(i => bareListener(move(i)), () => {})
        : measure(i => daemonListener(move(i) as never), () => {
          writer.append(recorder.drain())
          writer.flush()
        }))
      if (round > 0) runs[subject].push(run)
    }
  }

  const stored = await connection.runAndReadAll('select count(*)::INTEGER from events')
  const expected = MOUSE_HZ === 0 ? (ROUNDS + 1) * EVENTS : undefined
  console.log(`node ${process.version}, load average ${os.loadavg().map(l => l.toFixed(2)).join(' ')}, ${EVENTS} moves × ${ROUNDS} rounds, --mouse-hz ${MOUSE_HZ}`)
  console.log('| subject | CPU µs/event (median) | rounds | GCs per 100k events | GC ms per 100k |')
  console.log('| --- | ---: | --- | ---: | ---: |')
  for (const subject of ['bare', 'daemon'] as const) {
    const r = runs[subject]
    const cpu = r.map(x => x.cpuMicrosPerEvent)
    const gc = `${median(r.map(x => x.gcPer100k)).toFixed(1)} | ${median(r.map(x => x.gcMsPer100k)).toFixed(1)}`
    console.log(`| ${subject} | ${median(cpu).toFixed(2)} | ${cpu.map(x => x.toFixed(2)).join(', ')} | ${gc} |`)
  }

  console.log(`stored ${stored.getRows()[0][0]} rows${expected === undefined ? '' : ` (expected ${expected})`}, dropped ${recorder.dropped}, bare counted ${counted}`)
  connection.closeSync()
} finally {
  rmSync(dir, {recursive: true, force: true})
}
