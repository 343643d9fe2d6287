/**
 * bench/daemon: what the capture daemon costs in CPU and memory, idle and under a steady stream of
 * mouse moves, next to a bare uiohook-napi listener under the same stream; and whether every
 * synthetic event reaches the database.
 *
 *   npm run bench:daemon -- [--seconds 60] [--idle 60] [--idle-windows 2] [--rounds 3]
 *                           [--extra-rounds 1] [--rate 1000] [--no-results] [--base DIR]
 *
 * Everything runs on a private Xvfb (test/helpers/xvfb.ts), each daemon with a fresh private
 * DEVTRACE_HOME, one process measured at a time (never two at once), from a snapshot of the built
 * CLI (so a concurrent `npm run build` cannot change the code between runs).
 *
 * - idle: the daemon (`devtrace start`, defaults) from 8 s after it is ready, no input, in
 *   --idle-windows consecutive windows of --idle seconds (the first minute includes V8's one-off
 *   memory-reducing collections after startup; the second is the steady state): CPU, VmRSS at
 *   the end of each window, VmHWM.
 * - stream: one long-running `xdotool -` is fed `mousemove X Y` lines from a 5 ms timer, as many
 *   as are due at --rate per second, for --seconds. Move i goes to (100 + i mod 1000,
 *   100 + ⌊i / 1000⌋): every position is new, so each move is one X motion event. The achieved
 *   rate is moves / time until xdotool has executed the last one and exited. Subjects:
 *   - daemon:    `devtrace start --mouse-hz 0` (every move written);
 *   - daemon100: `devtrace start --mouse-hz 100` (the default sampling);
 *   - bare:      bench/bare-listener.mjs (uiohook-napi, counts events, nothing else);
 *   - xinput:    `xinput test-xi2 --root` (C, XInput2, the floor), if installed;
 *   - base:      with --base DIR, `devtrace start --mouse-hz 0` from another build (a copy of an
 *                older bin/ and dist/ with node_modules beside it): the before of a change, measured
 *                in the same rounds.
 *   daemon, bare (and base) run every round, daemon100 and xinput in the first --extra-rounds rounds;
 *   the order rotates from round to round so that drifts in machine load cancel.
 * - CPU: utime+stime from /proc/<pid>/stat, plus the process's children (finished: cutime+cstime;
 *   live: their utime+stime, e.g. the app tracker's `xprop -spy`), from the start of the stream
 *   until 1.5 s after xdotool exited (so the last flush is included), divided by the stream's
 *   duration: % of one core. Memory: VmRSS and VmHWM from /proc/<pid>/status at the end, and
 *   the resident set split by /proc/<pid>/smaps into the node binary's and libduckdb's code
 *   (file pages, shared with every process mapping the same file), other files, and anonymous
 *   memory (V8 heap, DuckDB's buffers, malloc), plus what is private to the process.
 * - Zero loss (daemon, --mouse-hz 0): `devtrace query` through the running daemon must find
 *   exactly as many mouse_move rows, at as many distinct positions, as moves were sent, and
 *   `status` no dropped events.
 *
 * Targets: daemon ≤ 1.25× the bare listener; idle ≤ 0.2% of a core; RSS ≤ 100 MiB.
 * Results: stdout (markdown) and bench/results/daemon-<date>.json.
 */
import {
  type ChildProcess, execFileSync, spawn, spawnSync,
} from 'node:child_process'
import {once} from 'node:events'
import {
  mkdirSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync, writeFileSync,
} from 'node:fs'
import os from 'node:os'
import path from 'node:path'

import {startXvfb} from '../test/helpers/xvfb.js'
import {pointerStream} from './pointer-stream.js'
import {ROOT, snapshotCli} from './snapshot.js'

const BARE = path.join(ROOT, 'bench', 'bare-listener.mjs')
const CLK_TCK = Number(spawnSync('getconf', ['CLK_TCK'], {encoding: 'utf8'}).stdout.trim()) || 100
const DAEMON_SETTLE_MS = 8000 // past the daemon's first retention check (5 s after start)
const OTHER_SETTLE_MS = 3000
const TAIL_MS = 1500

const STREAM_MODES = ['daemon', 'bare', 'base', 'daemon100', 'xinput'] as const
type StreamMode = (typeof STREAM_MODES)[number]

interface Args {
  seconds: number
  idle: number
  idleWindows: number
  rounds: number
  extraRounds: number
  rate: number
  keepResults: boolean
  /** bin/run.js of another build, measured as the `base` subject. */
  base?: string
}

function parseArgs(argv: string[]): Args {
  const args: Args = {
    seconds: 60, idle: 60, idleWindows: 2, rounds: 3, extraRounds: 1, rate: 1000, keepResults: true,
  }
  const numbers: Record<string, keyof Args> = {
    '--seconds': 'seconds', '--idle': 'idle', '--idle-windows': 'idleWindows', '--rounds': 'rounds', '--extra-rounds': 'extraRounds', '--rate': 'rate',
  }
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--no-results') args.keepResults = false
    else if (argv[i] === '--base') args.base = path.join(path.resolve(argv[++i]), 'bin', 'run.js')
    else if (numbers[argv[i]]) (args[numbers[argv[i]]] as number) = Number(argv[++i])
    else throw new Error(`unknown argument ${argv[i]}`)
  }

  if (!(args.seconds >= 5) || !(args.idle >= 0) || !(args.idleWindows >= 1) || !(args.rounds >= 1) || !(args.extraRounds >= 0) || !(args.rate > 0)) {
    throw new Error('--seconds ≥ 5, --idle ≥ 0, --idle-windows ≥ 1, --rounds ≥ 1, --extra-rounds ≥ 0, --rate > 0')
  }

  if (args.rate * args.seconds > 800_000) throw new Error('at most 800,000 distinct positions: lower --rate or --seconds')
  return args
}

const sleep = (ms: number): Promise<void> => new Promise(resolve => {
  setTimeout(resolve, ms)
})

const have = (tool: string): boolean => spawnSync('sh', ['-c', `command -v ${tool}`]).status === 0

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  const middle = Math.floor(sorted.length / 2)
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
}

/** CPU seconds of a process and its children (finished ones: cutime+cstime; live ones: utime+stime). */
function cpuSeconds(pid: number): number {
  const fields = (stat: string): string[] => stat.slice(stat.lastIndexOf(')') + 2).split(' ')
  // fields[0] is field 3 (state): utime is field 14 → index 11, stime 12, cutime 13, cstime 14.
  const own = fields(readFileSync(`/proc/${pid}/stat`, 'utf8'))
  let ticks = Number(own[11]) + Number(own[12]) + Number(own[13]) + Number(own[14])
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue
    try {
      const child = fields(readFileSync(`/proc/${entry}/stat`, 'utf8'))
      if (Number(child[1]) === pid) ticks += Number(child[11]) + Number(child[12])
    } catch {
      // gone meanwhile
    }
  }

  return ticks / CLK_TCK
}

interface Memory {
  /** VmRSS and VmHWM. */
  rss: number
  hwm: number
  /** What the resident pages are (from /proc/<pid>/smaps), all in MiB. */
  parts: {node_binary: number; libduckdb: number; other_files: number; anonymous: number; private: number}
}

/** VmRSS, VmHWM, and the resident set split into the node binary, DuckDB's library, other files and anonymous memory. */
function memory(pid: number): Memory {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8')
  const kib = (key: string): number => Number(new RegExp(`^${key}:\\s+(\\d+)`, 'm').exec(status)?.[1] ?? Number.NaN)
  const parts = {
    node_binary: 0, libduckdb: 0, other_files: 0, anonymous: 0, private: 0,
  }
  const nodeBinary = realpathSync(process.execPath)
  let mapping = ''
  for (const line of readFileSync(`/proc/${pid}/smaps`, 'utf8').split('\n')) {
    const header = /^[\da-f]+-[\da-f]+ \S+ \S+ \S+ \S+\s*(.*)$/.exec(line)
    if (header) {
      mapping = header[1]
      continue
    }

    const [, key, value] = /^(\w+):\s+(\d+) kB/.exec(line) ?? []
    const mib = Number(value) / 1024
    if (key === 'Private_Clean' || key === 'Private_Dirty') parts.private += mib
    if (key !== 'Rss') continue
    if (mapping === nodeBinary) parts.node_binary += mib
    else if (mapping.includes('libduckdb')) parts.libduckdb += mib
    else if (mapping.startsWith('/')) parts.other_files += mib
    else parts.anonymous += mib // [heap], [stack], [anon:…] and unnamed mappings
  }

  return {rss: kib('VmRSS') / 1024, hwm: kib('VmHWM') / 1024, parts}
}

/** A daemon in its own DEVTRACE_HOME, driven through the snapshot CLI. */
class Daemon {
  readonly home = mkdtempSync(path.join(os.tmpdir(), 'devtrace-bench-daemon-'))
  readonly env: NodeJS.ProcessEnv
  pid = 0

  constructor(private readonly bin: string, display: string) {
    this.env = {
      ...process.env, DISPLAY: display, DEVTRACE_HOME: this.home, NO_COLOR: '1',
    }
    delete this.env.DEBUG
    delete this.env.WAYLAND_DISPLAY
  }

  cli(...args: string[]): string {
    return execFileSync(process.execPath, [this.bin, ...args], {env: this.env, encoding: 'utf8'})
  }

  /** Both counts must equal the moves sent: one row per move, none doubled, none lost. */
  moves(): {rows: number; positions: number} {
    const sql = "SELECT count(*) AS rows, count(DISTINCT (x, y)) AS positions FROM events WHERE kind = 'mouse_move'"
    return (JSON.parse(this.cli('query', sql, '--json')) as Array<{rows: number; positions: number}>)[0]
  }

  start(mouseHz?: number): number {
    const flags = mouseHz === undefined ? [] : ['--mouse-hz', String(mouseHz)]
    this.pid = (JSON.parse(this.cli('start', ...flags, '--json')) as {pid: number}).pid
    return this.pid
  }

  status(): {dropped: number; queued: number; app_tracking: string; mouse_hz: number} {
    return JSON.parse(this.cli('status', '--json'))
  }

  stop(): void {
    spawnSync(process.execPath, [this.bin, 'stop'], {env: this.env})
    rmSync(this.home, {force: true, recursive: true})
  }
}

/** A process that is not the daemon (bare listener, xinput), with what it printed. */
async function startOther(mode: 'bare' | 'xinput', display: string): Promise<{child: ChildProcess; output: () => string}> {
  const env = {...process.env, DISPLAY: display}
  const child = mode === 'bare'
    ? spawn(process.execPath, [BARE], {cwd: ROOT, env, stdio: ['ignore', 'pipe', 'inherit']})
    : spawn('xinput', ['test-xi2', '--root'], {env, stdio: ['ignore', 'pipe', 'inherit']})
  let text = ''
  let motions = 0
  child.stdout!.setEncoding('utf8')
  child.stdout!.on('data', (chunk: string) => {
    // xinput prints several lines per event: keep only the count, not megabytes of text.
    if (mode === 'xinput') motions += chunk.split('(Motion)').length - 1
    else text += chunk
  })
  if (mode === 'bare') {
    const deadline = Date.now() + 10_000
    while (!text.includes('ready')) {
      if (Date.now() > deadline || child.exitCode !== null) throw new Error('bare listener did not start')
      await sleep(20)
    }
  } else await sleep(500)

  return {child, output: () => (mode === 'xinput' ? JSON.stringify({moves: motions}) : text.replace('ready\n', ''))}
}

interface StreamResult {
  mode: StreamMode
  round: number
  cpu_percent: number
  sent: number
  rate: number
  stream_seconds: number
  xdotool_lag_ms: number
  seen: number
  rss_mib: number
  hwm_mib: number
  memory_parts_mib: Memory['parts']
  /** daemon modes: rows and distinct positions stored, and what status says was dropped. */
  stored?: {rows: number; positions: number; dropped: number}
}

async function streamRun(mode: StreamMode, round: number, where: {display: string; bin: string}, args: Args): Promise<StreamResult> {
  const {bin, display} = where
  // Park the pointer away from every position the stream visits.
  execFileSync('xdotool', ['mousemove', '5', '5'], {env: {...process.env, DISPLAY: display}})
  const isDaemon = mode === 'daemon' || mode === 'daemon100' || mode === 'base'
  const daemon = isDaemon ? new Daemon(mode === 'base' ? args.base! : bin, display) : undefined
  const other = isDaemon ? undefined : await startOther(mode as 'bare' | 'xinput', display)
  try {
    const pid = daemon ? daemon.start(mode === 'daemon100' ? 100 : 0) : other!.child.pid!
    await sleep(daemon ? DAEMON_SETTLE_MS : OTHER_SETTLE_MS)
    const before = cpuSeconds(pid)
    const sent = await pointerStream(display, args.rate, args.seconds)
    await sleep(TAIL_MS)
    const cpu = cpuSeconds(pid) - before
    const mem = memory(pid)
    const result: StreamResult = {
      mode,
      round,
      cpu_percent: (cpu / sent.seconds) * 100,
      sent: sent.sent,
      rate: sent.sent / sent.seconds,
      stream_seconds: sent.seconds,
      xdotool_lag_ms: sent.lagMs,
      seen: 0,
      rss_mib: mem.rss,
      hwm_mib: mem.hwm,
      memory_parts_mib: mem.parts,
    }
    if (daemon) {
      // Everything is committed within a flush interval (1 s); allow for a loaded machine.
      let stored = daemon.moves()
      const deadline = Date.now() + 15_000
      // With --mouse-hz 0 every move is stored; wait for all of them (or the deadline).
      if (mode !== 'daemon100') {
        while (stored.rows < sent.sent && Date.now() < deadline) {
          await sleep(500)
          stored = daemon.moves()
        }
      }

      const status = daemon.status()
      result.seen = stored.rows
      result.stored = {...stored, dropped: status.dropped}
    } else {
      const exited = once(other!.child, 'exit')
      other!.child.kill('SIGTERM')
      await exited
      result.seen = (JSON.parse(other!.output()) as {moves: number}).moves
    }

    return result
  } finally {
    daemon?.stop()
    if (other && other.child.exitCode === null) other.child.kill('SIGKILL')
  }
}

interface IdleWindow {
  cpu_percent: number
  rss_mib: number
  hwm_mib: number
  memory_parts_mib: Memory['parts']
}

/**
 * The daemon with no input, in consecutive windows of `seconds`: the first minute includes V8's
 * one-off memory-reducing collections after startup, later ones show the steady state.
 */
async function idleRun(display: string, bin: string, seconds: number, windows: number): Promise<{windows: IdleWindow[]; app_tracking: string}> {
  const daemon = new Daemon(bin, display)
  try {
    const pid = daemon.start()
    await sleep(DAEMON_SETTLE_MS)
    const results: IdleWindow[] = []
    for (let i = 0; i < windows; i++) {
      const before = cpuSeconds(pid)
      const started = performance.now()
      await sleep(seconds * 1000)
      const cpu = cpuSeconds(pid) - before
      const elapsed = (performance.now() - started) / 1000
      const mem = memory(pid)
      results.push({
        cpu_percent: (cpu / elapsed) * 100, rss_mib: mem.rss, hwm_mib: mem.hwm, memory_parts_mib: mem.parts,
      })
    }

    return {windows: results, app_tracking: daemon.status().app_tracking}
  } finally {
    daemon.stop()
  }
}

function gitRevision(): string {
  const result = spawnSync('git', ['describe', '--always', '--dirty'], {cwd: ROOT, encoding: 'utf8'})
  return result.stdout.trim()
}

const f = (value: number, digits = 2): string => value.toFixed(digits)
const parts = (p: Memory['parts']): string =>
  `resident: node binary ${f(p.node_binary, 1)}, libduckdb ${f(p.libduckdb, 1)}, other files ${f(p.other_files, 1)}, anonymous ${f(p.anonymous, 1)}; private ${f(p.private, 1)} MiB`

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2))
  for (const tool of ['Xvfb', 'xdotool']) if (!have(tool)) throw new Error(`${tool} is needed (apt-get install xvfb xdotool)`)
  const withXinput = have('xinput')
  if (!withXinput) console.log('xinput not installed: no floor (apt-get install xinput)')
  const snapshot = snapshotCli()
  let x = await startXvfb()
  let displayRestarts = 0
  /**
   * On this shared machine a private Xvfb has twice become unreachable mid-bench (its socket gone,
   * by someone else's cleanup). A run that fails that way is run again on a fresh display; the
   * count of such restarts is in the results.
   */
  const onDisplay = async <T>(what: string, work: (display: string) => Promise<T>): Promise<T> => {
    for (let attempt = 0; ; attempt++) {
      try {
        return await work(x.display)
      } catch (error) {
        const alive = spawnSync('xdotool', ['getmouselocation'], {env: {...process.env, DISPLAY: x.display}}).status === 0
        if (alive || attempt >= 2) throw error
        console.log(`${what}: display ${x.display} went away; running it again on a new Xvfb`)
        await x.stop()
        x = await startXvfb()
        displayRestarts++
      }
    }
  }

  const loadBefore = os.loadavg()
  const started = new Date()
  try {
    let idle
    if (args.idle > 0) {
      idle = await onDisplay('idle', display => idleRun(display, snapshot.bin, args.idle, args.idleWindows))
      for (const [i, window] of idle.windows.entries()) {
        const memoryText = `RSS ${f(window.rss_mib, 1)} MiB, HWM ${f(window.hwm_mib, 1)} MiB, ${parts(window.memory_parts_mib)}`
        console.log(`idle window ${i + 1} (${args.idle} s): cpu ${f(window.cpu_percent, 3)}% of a core, ${memoryText} (app tracking ${idle.app_tracking})`)
      }
    }

    const runs: StreamResult[] = []
    for (let round = 0; round < args.rounds; round++) {
      const modes = STREAM_MODES.filter(mode =>
        (mode === 'daemon' || mode === 'bare' || round < args.extraRounds || mode === 'base') && (mode !== 'xinput' || withXinput) && (mode !== 'base' || args.base))
      const order = modes.map((_, i) => modes[(i + round) % modes.length])
      for (const mode of order) {
        const run = await onDisplay(`round ${round + 1} ${mode}`, display => streamRun(mode, round + 1, {display, bin: snapshot.bin}, args))
        runs.push(run)
        const stored = run.stored ? `  stored ${run.stored.rows} rows, ${run.stored.positions} positions, dropped ${run.stored.dropped}` : ''
        const memoryText = `RSS ${f(run.rss_mib, 1)} MiB  HWM ${f(run.hwm_mib, 1)} MiB`
        const streamText = `${run.sent} moves at ${f(run.rate, 1)}/s (xdotool lag ${f(run.xdotool_lag_ms, 0)} ms)`
        console.log(`round ${round + 1} ${mode.padEnd(9)} cpu ${f(run.cpu_percent, 3)}%  ${streamText}  seen ${run.seen}  ${memoryText}${stored}`)
        if (run.stored) console.log(`                ${parts(run.memory_parts_mib)}`)
      }
    }

    const of = (mode: StreamMode): StreamResult[] => runs.filter(run => run.mode === mode)
    const summary = Object.fromEntries(STREAM_MODES.filter(mode => of(mode).length > 0).map(mode => [mode, {
      runs: of(mode).length,
      cpu_percent: median(of(mode).map(run => run.cpu_percent)),
      rate: median(of(mode).map(run => run.rate)),
      rss_mib: median(of(mode).map(run => run.rss_mib)),
      hwm_mib: Math.max(...of(mode).map(run => run.hwm_mib)),
    }]))
    // Runs of one round ran minutes apart at most: their ratio cancels slow drifts in machine load.
    const paired = median(of('daemon').map(run => run.cpu_percent / of('bare').find(bare => bare.round === run.round)!.cpu_percent))
    const ratio = summary.daemon.cpu_percent / summary.bare.cpu_percent
    const pairedBase = args.base ? median(of('base').map(run => run.cpu_percent / of('bare').find(bare => bare.round === run.round)!.cpu_percent)) : undefined
    const zeroLoss = [...of('daemon'), ...of('base')].every(run => run.stored!.rows === run.sent && run.stored!.positions === run.sent && run.stored!.dropped === 0)
    const bareExact = of('bare').every(run => run.seen === run.sent)
    const result = {
      bench: 'daemon',
      date: started.toISOString(),
      revision: gitRevision(),
      machine: `${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, ${Math.round(os.totalmem() / 2 ** 30)} GiB`,
      node: process.version,
      load_average: {before: loadBefore, after: os.loadavg()},
      args,
      idle,
      runs,
      summary,
      ratio_daemon_bare: ratio,
      ratio_daemon_bare_paired: paired,
      ...(args.base ? {ratio_base_bare: summary.base.cpu_percent / summary.bare.cpu_percent, ratio_base_bare_paired: pairedBase} : {}),
      zero_loss: zeroLoss,
      display_restarts: displayRestarts,
      bare_saw_every_move: bareExact,
      targets: {ratio: 1.25, idle_percent: 0.2, rss_mib: 100},
    }

    console.log('\n| under ~%d moves/s | runs | CPU (% of a core, median) | achieved moves/s | RSS (MiB, median) | peak RSS (MiB, max) |', args.rate)
    console.log('| --- | --- | --- | --- | --- | --- |')
    for (const [mode, row] of Object.entries(summary)) {
      console.log(`| ${mode} | ${row.runs} | ${f(row.cpu_percent)} | ${f(row.rate, 0)} | ${f(row.rss_mib, 1)} | ${f(row.hwm_mib, 1)} |`)
    }

    console.log(`\ndaemon / bare: ${f(ratio)}× (paired by round: ${f(paired)}×; target ≤ 1.25×)`)
    if (args.base) {
      const versusBase = median(of('daemon').map(run => run.cpu_percent / of('base').find(base => base.round === run.round)!.cpu_percent))
      console.log(`base / bare: ${f(summary.base.cpu_percent / summary.bare.cpu_percent)}× (paired by round: ${f(pairedBase!)}×); daemon / base paired by round: ${f(versusBase)}×`)
    }

    if (idle) {
      const cpu = idle.windows.map(window => `${f(window.cpu_percent, 3)}%`).join(', then ')
      console.log(`idle: ${cpu} of a core (target ≤ 0.2%), RSS ${f(idle.windows.at(-1)!.rss_mib, 1)} MiB (target ≤ 100)`)
    }

    console.log(`zero loss (--mouse-hz 0): ${zeroLoss ? 'yes' : 'NO'}; bare listener saw every move: ${bareExact ? 'yes' : 'no'}`)
    console.log(`load average before ${loadBefore.map(n => f(n)).join(' ')}, after ${os.loadavg().map(n => f(n)).join(' ')}`)

    if (args.keepResults) {
      mkdirSync(path.join(ROOT, 'bench', 'results'), {recursive: true})
      const file = path.join(ROOT, 'bench', 'results', `daemon-${result.date.replaceAll(/[:.]/g, '-')}.json`)
      writeFileSync(file, JSON.stringify(result, null, 2) + '\n')
      console.log(`wrote ${file}`)
    }

    if (!zeroLoss) process.exitCode = 1
  } finally {
    await x.stop()
    rmSync(snapshot.dir, {force: true, recursive: true})
  }
}

await main()
