/**
 * bench/hostile-clients: how much memory and CPU misbehaving clients of the control socket cost
 * the daemon, and how fast an abandoned query gives its core back.
 *
 *   npm run bench:hostile -- [--rounds 3] [--baseline DIR]
 *
 * Each round starts a fresh daemon (`devtrace start`, private Xvfb and DEVTRACE_HOME) from a
 * snapshot of the built CLI and runs, one after another:
 *
 * - flood: 1,200 connections each send 1 MiB without a newline (64 KiB writes). Daemon VmHWM
 *   (peak resident set) and VmRSS once the clients are done sending, then VmRSS 5 s after they
 *   have all closed, and 15 s after ("memory returns").
 * - pipeline: one client writes 1,000,000 `status` requests without ever reading a reply, stays
 *   10 s, then leaves. Daemon CPU (% of a core) in the 10 s after it left, and VmHWM.
 * - ctrl-c: `devtrace query "select sum(hash(i)) from range(20000000000) t(i)"` runs until the
 *   daemon computes (most of a core over 250 ms), 1 s more, then gets SIGINT. Time from the
 *   signal to the daemon's last CPU clock tick (10 ms resolution) before 500 ms without one;
 *   "> 30 s" when it never went quiet.
 *
 * --baseline DIR measures another build (bin, dist, package.json, oclif.manifest.json and a
 * node_modules link, as bench/snapshot.ts makes) in the same run, rounds interleaved.
 * Results: stdout (markdown) and bench/results/hostile-clients-<date>.json.
 */
import {
  type ChildProcess, execFileSync, spawn, spawnSync,
} from 'node:child_process'
import {
  mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync,
} from 'node:fs'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'

import {startXvfb} from '../test/helpers/xvfb.js'
import {ROOT, snapshotCli} from './snapshot.js'

const CLK_TCK = Number(spawnSync('getconf', ['CLK_TCK'], {encoding: 'utf8'}).stdout.trim()) || 100
const FLOOD_CLIENTS = 1200
const FLOOD_BYTES = 1024 * 1024
const PIPELINED = 1_000_000
const ENDLESS = 'select sum(hash(i)) from range(20000000000) t(i)'
const IDLE_GIVE_UP_MS = 30_000

interface Round {
  build: string
  idle_rss_mib: number
  flood_hwm_mib: number
  flood_rss_mib: number
  flood_after_rss_mib: number
  flood_after15_rss_mib: number
  flood_cut: number
  pipeline_hwm_mib: number
  pipeline_cpu_after_pct: number
  ctrl_c_to_idle_ms: null | number
}

const sleep = (ms: number): Promise<void> => new Promise(resolve => {
  setTimeout(resolve, ms)
})

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  const middle = Math.floor(sorted.length / 2)
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
}

function ticks(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
  return Number(fields[11]) + Number(fields[12])
}

function memoryMiB(pid: number): {hwm: number; rss: number} {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8')
  const kib = (key: string): number => Number(new RegExp(`^${key}:\\s+(\\d+)`, 'm').exec(status)?.[1] ?? Number.NaN)
  return {hwm: kib('VmHWM') / 1024, rss: kib('VmRSS') / 1024}
}

/** Connect, retrying while the daemon's listen backlog is full (EAGAIN) as a client would. */
async function connect(socketPath: string): Promise<net.Socket> {
  for (;;) {
    try {
      return await new Promise((resolve, reject) => {
        const socket = net.createConnection(socketPath)
        socket.once('connect', () => resolve(socket))
        socket.once('error', reject)
      })
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EAGAIN') throw error
      await sleep(10)
    }
  }
}

/** Write `total` bytes of 'a' in 64 KiB pieces; resolves when written or when the daemon cut us off. */
async function sendUnterminated(socket: net.Socket, total: number): Promise<boolean> {
  const chunk = Buffer.alloc(64 * 1024, 'a')
  for (let sent = 0; sent < total; sent += chunk.length) {
    if (socket.destroyed) return false
    if (!socket.write(chunk)) {
      // Not events.once: it rejects on 'error', and a cut-off client's EPIPE is expected here.
      const drained = await new Promise<boolean>(resolve => {
        socket.once('drain', () => resolve(true)).once('close', () => resolve(false))
      })
      if (!drained) return false
    }
  }

  return !socket.destroyed
}

async function flood(socketPath: string, pid: number): Promise<Pick<Round, 'flood_after15_rss_mib' | 'flood_after_rss_mib' | 'flood_cut' | 'flood_hwm_mib' | 'flood_rss_mib'>> {
  const sockets: net.Socket[] = []
  for (let i = 0; i < FLOOD_CLIENTS; i++) {
    const socket = await connect(socketPath)
    socket.on('error', () => {})
    sockets.push(socket)
  }

  const kept = await Promise.all(sockets.map(socket => sendUnterminated(socket, FLOOD_BYTES)))
  await sleep(2000) // let the daemon read what is in flight
  const during = memoryMiB(pid)
  for (const socket of sockets) socket.destroy()
  await sleep(5000)
  const after5 = memoryMiB(pid).rss
  await sleep(10_000)
  return {
    flood_hwm_mib: during.hwm,
    flood_rss_mib: during.rss,
    flood_after_rss_mib: after5,
    flood_after15_rss_mib: memoryMiB(pid).rss,
    flood_cut: kept.filter(k => !k).length,
  }
}

async function pipeline(socketPath: string, pid: number): Promise<Pick<Round, 'pipeline_cpu_after_pct' | 'pipeline_hwm_mib'>> {
  const socket = await connect(socketPath)
  socket.on('error', () => {})
  socket.pause() // never read a reply
  let text = ''
  for (let id = 1; id <= PIPELINED; id++) text += `{"id":${id},"method":"status"}\n`
  socket.write(text)
  await sleep(10_000)
  socket.destroy()
  await sleep(500)
  const before = ticks(pid)
  await sleep(10_000)
  const cpu = ((ticks(pid) - before) / CLK_TCK / 10) * 100
  return {pipeline_hwm_mib: memoryMiB(pid).hwm, pipeline_cpu_after_pct: cpu}
}

async function ctrlC(bin: string, env: NodeJS.ProcessEnv, pid: number): Promise<null | number> {
  const query: ChildProcess = spawn(process.execPath, [bin, 'query', ENDLESS], {env, stdio: 'ignore'})
  // Signal only once the query computes in the daemon (most of a core over 250 ms).
  for (let busy = false; !busy;) {
    const before = ticks(pid)
    await sleep(250)
    busy = ticks(pid) - before >= CLK_TCK / 8
  }

  await sleep(1000)
  const signalled = Date.now()
  query.kill('SIGINT')
  // The daemon's CPU time moves in clock ticks (10 ms): idle from its last tick followed by 500 ms
  // without one.
  let last = ticks(pid)
  let lastChange = signalled
  while (Date.now() - lastChange < 500) {
    if (Date.now() - signalled > IDLE_GIVE_UP_MS) return null
    await sleep(10)
    const now = ticks(pid)
    if (now !== last) {
      last = now
      lastChange = Date.now()
    }
  }

  return lastChange - signalled
}

async function round(build: string, bin: string, display: string): Promise<Round> {
  const home = mkdtempSync(path.join(os.tmpdir(), 'devtrace-bench-hostile-'))
  const env: NodeJS.ProcessEnv = {
    ...process.env, DISPLAY: display, DEVTRACE_HOME: home, NO_COLOR: '1',
  }
  delete env.DEBUG
  const {pid} = (JSON.parse(execFileSync(process.execPath, [bin, 'start', '--json'], {env, encoding: 'utf8'})) as {pid: number})
  try {
    await sleep(8000) // past the first retention check
    const socketPath = path.join(home, 'daemon.sock')
    const idle = memoryMiB(pid).rss
    const flooded = await flood(socketPath, pid)
    const piped = await pipeline(socketPath, pid)
    const toIdle = await ctrlC(bin, env, pid)
    return {
      build, idle_rss_mib: idle, ...flooded, ...piped, ctrl_c_to_idle_ms: toIdle,
    }
  } finally {
    // The old daemon may still be busy: stop it however it takes.
    spawnSync(process.execPath, [bin, 'stop'], {env, timeout: 20_000})
    try {
      process.kill(pid, 'SIGKILL')
    } catch {
      // already gone
    }

    rmSync(home, {force: true, recursive: true})
  }
}

function parseArgs(argv: string[]): {baseline?: string; rounds: number} {
  const at = (flag: string): string | undefined => {
    const index = argv.indexOf(flag)
    return index === -1 ? undefined : argv[index + 1]
  }

  return {baseline: at('--baseline'), rounds: Number(at('--rounds') ?? 3)}
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2))
  const snapshot = snapshotCli()
  const x = await startXvfb()
  const builds: Array<[string, string]> = [['this build', snapshot.bin]]
  if (args.baseline) builds.push(['baseline', path.join(args.baseline, 'bin', 'run.js')])
  const results: Round[] = []
  try {
    for (let r = 0; r < args.rounds; r++) {
      for (const [name, bin] of r % 2 === 0 ? builds : [...builds].reverse()) {
        const result = await round(name, bin, x.display)
        console.error(JSON.stringify(result))
        results.push(result)
      }
    }
  } finally {
    await x.stop()
    rmSync(snapshot.dir, {force: true, recursive: true})
  }

  const fmt = (value: number): string => value.toFixed(0)
  const columns = [
    'build',
    'idle RSS',
    'flood: VmHWM',
    'flood: RSS while connected',
    'flood: RSS 5 s after',
    '15 s after',
    'clients cut',
    'pipeline: VmHWM',
    'pipeline: CPU in the 10 s after the client left',
    'Ctrl-C → daemon idle',
  ]
  console.log(`| ${columns.join(' | ')} |`)
  console.log(`| --- |${' ---: |'.repeat(columns.length - 1)}`)
  for (const [name] of builds) {
    const rows = results.filter(result => result.build === name)
    const mib = (key: keyof Round): string => `${fmt(median(rows.map(row => Number(row[key]))))} MiB`
    const idle = rows.map(row => row.ctrl_c_to_idle_ms)
    const never = idle.filter(v => v === null).length
    const idleText = never > 0 ? `> ${IDLE_GIVE_UP_MS / 1000} s (${never} of ${idle.length})` : `${fmt(median(idle as number[]))} ms`
    const cells = [
      name,
      mib('idle_rss_mib'),
      mib('flood_hwm_mib'),
      mib('flood_rss_mib'),
      mib('flood_after_rss_mib'),
      mib('flood_after15_rss_mib'),
      `${fmt(median(rows.map(row => row.flood_cut)))} of ${FLOOD_CLIENTS}`,
      mib('pipeline_hwm_mib'),
      `${fmt(median(rows.map(row => row.pipeline_cpu_after_pct)))} %`,
      idleText,
    ]
    console.log(`| ${cells.join(' | ')} |`)
  }

  const dir = path.join(ROOT, 'bench', 'results')
  mkdirSync(dir, {recursive: true})
  writeFileSync(path.join(dir, `hostile-clients-${new Date().toISOString().slice(0, 16).replaceAll(':', '-')}.json`), JSON.stringify(results, null, 2) + '\n')
}

await main()
