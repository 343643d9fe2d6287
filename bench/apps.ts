/**
 * bench/apps: what app tracking costs the capture daemon, in CPU, under the same input stream.
 *
 *   npm run bench:apps -- [--seconds S] [--runs R] [--modes on,off,titles] [--no-results]
 *
 * On a private Xvfb with openbox and two xterm windows (classes BenchAlpha, BenchBeta), the
 * built daemon (`devtrace start`, level standard) runs R times in each mode, interleaved, the
 * order rotating from run to run:
 * - on:     app tracking as shipped (after the first visit a window's class is remembered, so
 *           switching between the two windows starts no process);
 * - titles: tracking with `capture_titles true`: every switch starts an `xprop -spy` on the
 *           newly focused window and writes a `windows` row, the most a switch can cost;
 * - off:    DEVTRACE_APP_TRACKING=off, no tracker at all.
 * Each run
 * drives the same stream for S seconds: xdotool typing 10 keys a second into the focused window
 * (20 events/s), and a focus switch to the other window every 5 s (12 a minute, several times
 * what people do, so the per-switch cost shows).
 *
 * CPU is read from /proc: utime+stime of the daemon, plus cutime+cstime (its finished children:
 * the short xprop lookups), plus utime+stime of its live children (the long-lived
 * `xprop -root -spy`), between a start mark 2 s after the daemon is ready and the end of the
 * stream. Reported as % of one core; the median of the R runs of each mode, and on − off.
 * Target: overhead ≤ 0.5% of a core.
 */
import {type ChildProcess, spawn, spawnSync} from 'node:child_process'
import {
  mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync,
} from 'node:fs'
import {cpus, tmpdir} from 'node:os'
import {dirname, join} from 'node:path'
import {fileURLToPath} from 'node:url'

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..')
const BIN = join(ROOT, 'bin', 'run.js')
const CLK_TCK = Number(spawnSync('getconf', ['CLK_TCK'], {encoding: 'utf8'}).stdout.trim()) || 100
const KEYS_PER_SECOND = 10
const SWITCH_EVERY_S = 5
const SETTLE_MS = 2000

const MODES = ['on', 'off', 'titles'] as const
type Mode = (typeof MODES)[number]

interface Args {
  seconds: number
  runs: number
  modes: Mode[]
  keepResults: boolean
}

function parseArgs(argv: string[]): Args {
  const args: Args = {
    seconds: 30, runs: 3, modes: ['on', 'off'], keepResults: true,
  }
  for (let i = 0; i < argv.length; i++) {
    switch (argv[i]) {
    case '--modes': {
      args.modes = argv[++i].split(',') as Mode[]
      if (args.modes.some(mode => !MODES.includes(mode)) || !args.modes.includes('off')) throw new Error(`--modes: some of ${MODES.join(',')}, including off`)
      break
    }

    case '--no-results': {
      args.keepResults = false
      break
    }

    case '--runs': {
      args.runs = Number(argv[++i])
      break
    }

    case '--seconds': {
      args.seconds = Number(argv[++i])
      break
    }

    default: {
      throw new Error(`unknown argument ${argv[i]}`)
    }
    }
  }

  if (!(args.seconds >= 5) || !(args.runs >= 1)) throw new Error('--seconds must be ≥ 5 and --runs ≥ 1')
  return args
}

const sleep = (ms: number): Promise<void> => new Promise(resolve => {
  setTimeout(resolve, ms)
})

function sh(display: string, command: string, args: string[]): string {
  const result = spawnSync(command, args, {env: {...process.env, DISPLAY: display}, encoding: 'utf8'})
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')}: ${result.stderr}`)
  return result.stdout
}

async function until<T>(what: string, check: () => T | undefined, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs
  while (Date.now() < deadline) {
    try {
      const value = check()
      if (value) return value
    } catch {
      // not yet
    }

    await sleep(100)
  }

  throw new Error(`timed out waiting for ${what}`)
}

async function startXvfb(): Promise<{display: string; child: ChildProcess}> {
  const child = spawn('Xvfb', ['-displayfd', '3', '-screen', '0', '1280x1024x24', '-nolisten', 'tcp'], {stdio: ['ignore', 'ignore', 'ignore', 'pipe']})
  const display = await new Promise<string>((resolve, reject) => {
    let text = ''
    child.stdio[3]!.on('data', (chunk: Buffer) => {
      text += chunk.toString()
      if (text.includes('\n')) resolve(`:${text.trim()}`)
    })
    child.once('exit', code => reject(new Error(`Xvfb exited (${code})`)))
  })
  return {display, child}
}

/** CPU ticks of a process: [own utime+stime, finished children's cutime+cstime]. */
function ticks(pid: number): [number, number] {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
  // fields[0] is field 3 (state): utime is field 14 → index 11.
  return [Number(fields[11]) + Number(fields[12]), Number(fields[13]) + Number(fields[14])]
}

/** The daemon's CPU seconds, its waited-for children's, and its live children's. */
function cpuSeconds(pid: number): number {
  const [own, finished] = ticks(pid)
  let live = 0
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8')
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1])
      if (ppid === pid) live += ticks(Number(entry))[0]
    } catch {
      // gone meanwhile
    }
  }

  return (own + finished + live) / CLK_TCK
}

async function oneRun(display: string, windows: string[], mode: Mode, seconds: number): Promise<{cpuPercent: number; events: number}> {
  const home = mkdtempSync(join(tmpdir(), 'devtrace-bench-apps-'))
  const env = {
    ...process.env, DISPLAY: display, DEVTRACE_HOME: home, NO_COLOR: '1', DEVTRACE_APP_TRACKING: mode === 'off' ? 'off' : 'on',
  }
  const cli = (...args: string[]): string => {
    const result = spawnSync(process.execPath, [BIN, ...args], {env, encoding: 'utf8'})
    if (result.status !== 0) throw new Error(`devtrace ${args.join(' ')}: ${result.stderr}`)
    return result.stdout
  }

  try {
    if (mode === 'titles') cli('config', 'set', 'capture_titles', 'true')
    const {pid} = JSON.parse(cli('start', '--json')) as {pid: number}
    sh(display, 'xdotool', ['windowactivate', '--sync', windows[0]])
    await sleep(SETTLE_MS)
    const before = cpuSeconds(pid)
    const started = performance.now()
    // The stream: per segment, type KEYS_PER_SECOND × SWITCH_EVERY_S letters, then switch window.
    const text = 'the quick brown fox jumps over the lazy dog and on '.repeat(4).slice(0, KEYS_PER_SECOND * SWITCH_EVERY_S).replaceAll(' ', 'x')
    for (let segment = 0; segment < seconds / SWITCH_EVERY_S; segment++) {
      await new Promise<void>((resolve, reject) => {
        const child = spawn('xdotool', ['type', '--delay', String(1000 / KEYS_PER_SECOND), text], {env: {...process.env, DISPLAY: display}, stdio: 'ignore'})
        child.once('exit', code => (code === 0 ? resolve() : reject(new Error(`xdotool exited ${code}`))))
      })
      sh(display, 'xdotool', ['windowactivate', '--sync', windows[(segment + 1) % windows.length]])
    }

    const elapsed = (performance.now() - started) / 1000
    const cpu = cpuSeconds(pid) - before
    const status = JSON.parse(cli('status', '--json')) as {app_tracking: string}
    if (status.app_tracking !== (mode === 'off' ? 'off' : 'x11')) throw new Error(`expected app tracking ${mode}, status says ${status.app_tracking}`)
    // Counted at stop, when everything queued is written (status would miss the last flush interval).
    const stopped = JSON.parse(cli('stop', '--json')) as {events_session: number}
    return {cpuPercent: (cpu / elapsed) * 100, events: stopped.events_session}
  } finally {
    spawnSync(process.execPath, [BIN, 'stop'], {env})
    rmSync(home, {force: true, recursive: true})
  }
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  const middle = Math.floor(sorted.length / 2)
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2))
  const x = await startXvfb()
  const children: ChildProcess[] = [x.child]
  try {
    const wm = spawn('openbox', ['--sm-disable'], {env: {...process.env, DISPLAY: x.display}, stdio: 'ignore'})
    children.push(wm)
    await until('openbox', () => /window id #/.test(sh(x.display, 'xprop', ['-root', '_NET_SUPPORTING_WM_CHECK'])))
    const windows: string[] = []
    for (const name of ['BenchAlpha', 'BenchBeta']) {
      const child = spawn('xterm', ['-class', name, '-T', name, '-e', 'sleep', '100000'], {env: {...process.env, DISPLAY: x.display}, stdio: 'ignore'})
      children.push(child)
      const id = await until(name, () => sh(x.display, 'xdotool', ['search', '--class', name]).trim().split('\n')[0])
      await until(`${name} framed`, () => /=/.test(sh(x.display, 'xprop', ['-id', id, '_NET_FRAME_EXTENTS'])))
      windows.push(id)
    }

    const results: Record<Mode, Array<{cpuPercent: number; events: number}>> = {on: [], off: [], titles: []}
    for (let run = 0; run < args.runs; run++) {
      const order = args.modes.map((_, i) => args.modes[(i + run) % args.modes.length])
      for (const mode of order) {
        const result = await oneRun(x.display, windows, mode, args.seconds)
        results[mode].push(result)
        console.log(`run ${run + 1} ${mode.padEnd(6)}  cpu ${result.cpuPercent.toFixed(3)}% of a core  events ${result.events}`)
      }
    }

    const off = median(results.off.map(result => result.cpuPercent))
    const measured = args.modes.filter(mode => mode !== 'off')
    const overhead = Object.fromEntries(measured.map(mode => {
      const cpu = median(results[mode].map(result => result.cpuPercent))
      // Runs i of each mode ran close together: their difference cancels slow drifts in machine load.
      const paired = median(results[mode].map((result, i) => result.cpuPercent - results.off[i].cpuPercent))
      return [mode, {median_cpu: cpu, overhead: cpu - off, overhead_paired_median: paired}]
    }))
    const summary = {
      bench: 'apps',
      date: new Date().toISOString(),
      machine: `${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}`,
      node: process.version,
      seconds: args.seconds,
      runs: args.runs,
      stream: `${KEYS_PER_SECOND} keys/s typed, a focus switch every ${SWITCH_EVERY_S} s`,
      cpu_percent: Object.fromEntries(args.modes.map(mode => [mode, results[mode].map(result => result.cpuPercent)])),
      median_off: off,
      overhead,
      target: 0.5,
    }
    console.log(`\nmedian cpu with tracking off: ${off.toFixed(3)}% of a core`)
    for (const [mode, o] of Object.entries(overhead)) {
      const paired = o.overhead_paired_median.toFixed(3)
      console.log(`${mode.padEnd(6)}  median ${o.median_cpu.toFixed(3)}%  overhead ${o.overhead.toFixed(3)}% of a core (paired: ${paired}%; target ≤ 0.5%)`)
    }

    if (args.keepResults) {
      mkdirSync(join(ROOT, 'bench', 'results'), {recursive: true})
      const file = join(ROOT, 'bench', 'results', `apps-${summary.date.replaceAll(/[:.]/g, '-')}.json`)
      writeFileSync(file, JSON.stringify(summary, null, 2) + '\n')
      console.log(`wrote ${file}`)
    }
  } finally {
    for (const child of children.reverse()) child.kill('SIGTERM')
  }
}

await main()
