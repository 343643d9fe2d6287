/**
 * bench/session-lock: what the evdev backend's lock gate costs. While it captures through evdev
 * the daemon asks logind once a second (src/capture/session-lock.ts: one `loginctl show-session`
 * process per poll), so the cost is the CPU of one poll per second, the loginctl process included.
 * Baseline, in the same run: the floor of any child process (`true`, through the same execFile).
 *
 *   node --import tsx bench/session-lock.ts [--polls N] [--runs R] [--loginctl PATH]
 *
 * Each run does N polls of each, alternating which goes first; prints the median CPU ms per poll
 * (this process plus its children: /proc/self/stat's cutime and cstime, in clock ticks).
 */
import {execFile} from 'node:child_process'
import {readFileSync} from 'node:fs'
import {cpus} from 'node:os'
import {parseArgs} from 'node:util'

import {readSessionLock} from '../src/capture/session-lock.js'

const {values} = parseArgs({
  options: {
    polls: {type: 'string', default: '200'}, runs: {type: 'string', default: '5'}, loginctl: {type: 'string', default: 'loginctl'},
  },
})
const polls = Number(values.polls)
const runs = Number(values.runs)
const TICK_MS = 10 // CLK_TCK is 100 on Linux

/** CPU ms used so far by this process and the children it has waited for. */
function cpuMs(): number {
  const fields = readFileSync('/proc/self/stat', 'utf8').split(') ')[1].split(' ')
  const children = (Number(fields[13]) + Number(fields[14])) * TICK_MS // cutime, cstime (fields 16 and 17)
  const own = process.cpuUsage()
  return children + (own.user + own.system) / 1000
}

const env = {...process.env, DEVTRACE_LOGINCTL: values.loginctl, XDG_SESSION_ID: process.env.XDG_SESSION_ID ?? '1'}
const candidates: Record<string, () => Promise<unknown>> = {
  [`readSessionLock (${values.loginctl})`]: async () => readSessionLock(env),
  'execFile true (baseline)': async () => new Promise(resolve => {
    execFile('true', resolve)
  }),
}

const median = (list: number[]): number => [...list].sort((a, b) => a - b)[Math.floor(list.length / 2)]
const results: Record<string, number[]> = Object.fromEntries(Object.keys(candidates).map(name => [name, []]))
const sample = await readSessionLock(env)
for (let run = 0; run < runs; run++) {
  const order = Object.entries(candidates)
  if (run % 2 === 1) order.reverse()
  for (const [name, poll] of order) {
    const before = cpuMs()
    for (let index = 0; index < polls; index++) await poll()
    results[name].push((cpuMs() - before) / polls)
  }
}

console.log(`${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, Node ${process.version}; ${runs} runs × ${polls} polls; loginctl answered: ${JSON.stringify(sample)}`)
for (const [name, list] of Object.entries(results)) {
  console.log(`${name}: median ${median(list).toFixed(2)} ms CPU per poll (runs: ${list.map(ms => ms.toFixed(2)).join(', ')})`)
}
