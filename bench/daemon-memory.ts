/**
 * bench/daemon-memory: the capture daemon's resident memory next to its runtime's floor (issue 15).
 *
 *   npm run build && node --import tsx bench/daemon-memory.ts [--rounds 2] [--settle 15]
 *
 * Subjects, one at a time, each on a private Xvfb and the same database, alternating order each
 * round: the daemon as `devtrace start` runs it (`start --foreground` through bin/run.js's fast
 * path, no oclif); the same command through oclif (what every start ran before issue 15); and the
 * floor, bench/memory-floor.mjs (Node + uiohook-napi with the hook running + @duckdb/node-api with
 * the database open, nothing else). VmRSS from /proc/<pid>/status after --settle seconds idle.
 * Prints each round, the medians and the ratios to the floor; target ≤ 1.25×.
 */
import {spawn} from 'node:child_process'
import {
  mkdtempSync, readFileSync, rmSync, writeFileSync,
} from 'node:fs'
import os from 'node:os'
import path from 'node:path'

import {startXvfb} from '../test/helpers/xvfb.js'

const ROOT = path.resolve(import.meta.dirname, '..')
const argv = process.argv.slice(2)
const option = (name: string, fallback: number): number => {
  const index = argv.indexOf(name)
  return index === -1 ? fallback : Number(argv[index + 1])
}

const rounds = option('--rounds', 2)
const settleSeconds = option('--settle', 15)
const sleep = (ms: number): Promise<void> => new Promise(resolve => {
  setTimeout(resolve, ms)
})
const rssMiB = (pid: number): number => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]) / 1024
const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b)
  const middle = Math.floor(sorted.length / 2)
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
}

// The oclif route into the same daemon: what bin/run.js did before its fast path.
const oclifEntry = path.join(os.tmpdir(), `devtrace-oclif-entry-${process.pid}.mjs`)
writeFileSync(oclifEntry, `process.env.OCLIF_DISABLE_ENGINE_WARNING ??= '1'
const {execute} = await import(${JSON.stringify(path.join(ROOT, 'node_modules/@oclif/core/lib/index.js'))})
await execute({dir: ${JSON.stringify('file://' + path.join(ROOT, 'bin', 'run.js'))}})
`)

const subjects: Record<string, string[]> = {
  'daemon (fast path)': [path.join(ROOT, 'bin', 'run.js'), 'start', '--foreground'],
  'daemon (through oclif)': [oclifEntry, 'start', '--foreground'],
  floor: [path.join(ROOT, 'bench', 'memory-floor.mjs')],
}

async function measure(args: string[], env: NodeJS.ProcessEnv, database: string, ready: RegExp): Promise<number> {
  const child = spawn(process.execPath, args[0].endsWith('memory-floor.mjs') ? [...args, database] : args, {env, stdio: ['ignore', 'pipe', 'inherit']})
  let out = ''
  await new Promise<void>((resolve, reject) => {
    child.stdout!.on('data', chunk => {
      out += String(chunk)
      if (ready.test(out)) resolve()
    })
    child.once('exit', code => reject(new Error(`${args.join(' ')} exited ${code} before ready: ${out}`)))
  })
  await sleep(settleSeconds * 1000)
  const rss = rssMiB(child.pid!)
  const gone = new Promise(resolve => {
    child.once('exit', resolve)
  })
  child.kill('SIGTERM')
  await gone
  return rss
}

const x = await startXvfb()
const home = mkdtempSync(path.join(os.tmpdir(), 'devtrace-bench-memory-'))
const env = {
  ...process.env, DISPLAY: x.display, DEVTRACE_HOME: home, NO_COLOR: '1',
}
const database = path.join(home, 'devtrace.duckdb')
const results: Record<string, number[]> = Object.fromEntries(Object.keys(subjects).map(name => [name, []]))
try {
  for (let round = 0; round < rounds; round++) {
    const names = round % 2 === 0 ? Object.keys(subjects) : Object.keys(subjects).reverse()
    // The floor needs the database: the first round starts with a daemon, which creates it.
    if (round === 0) names.sort((a, b) => Number(a === 'floor') - Number(b === 'floor'))
    for (const name of names) {
      const rss = await measure(subjects[name], env, database, name === 'floor' ? /ready/ : /capturing in the foreground/)
      results[name].push(rss)
      console.log(`round ${round + 1}: ${name} ${rss.toFixed(1)} MiB`)
    }
  }

  const floor = median(results.floor)
  console.log(`\nload average ${os.loadavg().map(n => n.toFixed(1)).join(', ')}; idle RSS after ${settleSeconds} s, median of ${rounds} rounds`)
  console.log('| process | RSS (MiB) | rounds | × floor |\n| --- | --- | --- | --- |')
  for (const [name, values] of Object.entries(results)) {
    console.log(`| ${name} | ${median(values).toFixed(1)} | ${values.map(v => v.toFixed(1)).join(', ')} | ${(median(values) / floor).toFixed(2)}× |`)
  }
} finally {
  await x.stop()
  rmSync(home, {force: true, recursive: true})
  rmSync(oclifEntry, {force: true})
}
