/**
 * bench/clock: what a timestamp costs on the hook's hot path. The daemon stamps every input
 * event with WallClock.nowMicros() (src/capture/clock.ts: the monotonic clock, checked against
 * Date.now() each time). Baseline, in the same run: the formula it replaced,
 * performance.timeOrigin + performance.now(), which never follows the wall clock.
 *
 *   node --import tsx bench/clock.ts [--stamps N] [--runs R]
 *
 * Each run times N stamps of each, alternating which goes first; prints the median ns/stamp.
 */
import {cpus} from 'node:os'
import {parseArgs} from 'node:util'

import {WallClock} from '../src/capture/clock.js'

const {values} = parseArgs({options: {stamps: {type: 'string', default: '2000000'}, runs: {type: 'string', default: '9'}}})
const stamps = Number(values.stamps)
const runs = Number(values.runs)

function time(stamp: () => number): number {
  let sink = 0
  const started = process.hrtime.bigint()
  for (let index = 0; index < stamps; index++) sink += stamp()
  const ns = Number(process.hrtime.bigint() - started) / stamps
  if (sink === 0) throw new Error('unreachable: keeps the loop from being optimised away')
  return ns
}

const median = (list: number[]): number => [...list].sort((a, b) => a - b)[Math.floor(list.length / 2)]

const clock = new WallClock()
const candidates = {
  'WallClock.nowMicros()': () => clock.nowMicros(),
  'timeOrigin + performance.now() (before)': () => Math.round((performance.timeOrigin + performance.now()) * 1000),
}
const results: Record<string, number[]> = Object.fromEntries(Object.keys(candidates).map(name => [name, []]))
for (let run = 0; run < runs + 1; run++) {
  const order = Object.entries(candidates)
  if (run % 2 === 1) order.reverse()
  for (const [name, stamp] of order) {
    const ns = time(stamp)
    if (run > 0) results[name].push(ns) // run 0 warms up the JIT
  }
}

console.log(`${stamps} stamps × ${runs} runs; ${cpus()[0]?.model ?? 'unknown CPU'}, ${cpus().length} CPUs, Node ${process.versions.node}`)
for (const [name, list] of Object.entries(results)) {
  console.log(`${name}: median ${median(list).toFixed(1)} ns/stamp (runs: ${list.map(ns => ns.toFixed(1)).join(', ')})`)
}
