/**
 * bench/export: `devtrace export` of a 10 M-event database to Parquet and CSV (events/s, peak
 * memory), and `devtrace forget` on it (seconds, peak memory; and, with the daemon running on a
 * private Xvfb while keys are typed, how long capture is offline and how soon the input
 * buffered meanwhile is written after the swap).
 *
 *   node --import tsx bench/export.ts [--events N] [--seed S] [--keep] [--no-daemon]
 *
 * The database is filled with the project's synthetic generator (level full, with apps), through
 * the real EventWriter. Every measured step runs the built CLI (bin/run.js, so `npm run build`
 * first) as a child process under /usr/bin/time -v: wall time and maximum resident set size are
 * the whole process's, Node and DuckDB together. Runs are sequential (the machine is shared).
 */
import {execFileSync, spawn, spawnSync} from 'node:child_process'
import {
  copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync,
} from 'node:fs'
import {cpus, tmpdir, totalmem} from 'node:os'
import path from 'node:path'
import {fileURLToPath} from 'node:url'

import type {CapturedEvent} from '../src/capture/event.js'

import {normalise} from '../src/capture/normalise.js'
import {syntheticInputs} from '../src/demo/synthetic.js'
import {EventWriter} from '../src/store/event-writer.js'
import {closeDatabase, openDatabase} from '../src/store/open-database.js'
import {migrate} from '../src/store/schema.js'

const ROOT = path.join(path.dirname(fileURLToPath(import.meta.url)), '..')
const BIN = path.join(ROOT, 'bin', 'run.js')
/** Keys typed (one every TYPE_DELAY_MS) while the daemon forgets. */
const TYPED_KEYS = 400
const TYPE_DELAY_MS = 50

interface Args {
  events: number
  seed: number
  keep: boolean
  daemon: boolean
}

function parseArgs(argv: string[]): Args {
  const args: Args = {
    events: 10_000_000, seed: 1, keep: false, daemon: true,
  }
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i]
    switch (flag) {
    case '--events': {
      args.events = Math.floor(Number(argv[++i]))
      break;
    }

    case '--keep': {
      args.keep = true
      break;
    }

    case '--no-daemon': {
      args.daemon = false
      break;
    }

    case '--seed': {
      args.seed = Math.floor(Number(argv[++i]))
      break;
    }

    default: {throw new Error(`unknown argument ${flag} (use --events N --seed S --keep --no-daemon)`)
    }
    }
  }

  if (!Number.isFinite(args.events) || args.events <= 0) throw new Error('--events needs a positive number')
  return args
}

/** N events of the synthetic desk at level full, written the daemon's way (Appender, batches). */
async function fill(file: string, events: number, seed: number): Promise<{seconds: number; first: string; last: string}> {
  const started = performance.now()
  const db = await openDatabase(file)
  await migrate(db.connection, file)
  await db.connection.run('INSERT INTO sessions (started_at, ended_at, level, version) VALUES (TIMESTAMP \'2025-03-03 08:00:00\', NULL, \'full\', \'bench\')')
  const writer = await EventWriter.open(db.connection, 1)
  let batch: CapturedEvent[] = []
  let written = 0
  for (const input of syntheticInputs({seed})) {
    const event = normalise(input.raw, 'full', input.tsMicros, input.app)
    if (!event) continue
    batch.push(event)
    if (batch.length === 100_000 || written + batch.length === events) {
      writer.append(batch)
      writer.flush()
      written += batch.length
      batch = []
      if (written === events) break
    }
  }

  writer.close()
  await db.connection.run('UPDATE sessions SET ended_at = (SELECT max(ts) FROM events)')
  await db.connection.run('CHECKPOINT')
  const span = (await db.connection.runAndReadAll('SELECT min(ts)::VARCHAR AS first, max(ts)::VARCHAR AS last FROM events')).getRowObjects()[0]
  closeDatabase(db)
  return {seconds: (performance.now() - started) / 1000, first: String(span.first), last: String(span.last)}
}

interface Timed {
  code: number
  seconds: number
  maxRssMiB: number
  stdout: string
  stderr: string
}

/** Run the CLI under /usr/bin/time -v. */
function timedCli(args: string[], env: NodeJS.ProcessEnv): Timed {
  const result = spawnSync('/usr/bin/time', ['-v', process.execPath, BIN, ...args], {env, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024})
  const stderr = result.stderr ?? ''
  const rss = /Maximum resident set size \(kbytes\): (\d+)/.exec(stderr)
  const wall = /Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): (?:(\d+):)?(\d+):([\d.]+)/.exec(stderr)
  if (!rss || !wall) throw new Error(`no /usr/bin/time output for ${args.join(' ')}:\n${stderr}`)
  return {
    code: result.status ?? -1,
    seconds: Number(wall[1] ?? 0) * 3600 + Number(wall[2]) * 60 + Number(wall[3]),
    maxRssMiB: Math.round(Number(rss[1]) / 1024),
    stdout: result.stdout,
    stderr,
  }
}

function cli(args: string[], env: NodeJS.ProcessEnv): string {
  return execFileSync(process.execPath, [BIN, ...args], {env, encoding: 'utf8'})
}

interface ExportRun {
  format: string
  profile: string
  rows: number
  bytes: number
  seconds: number
  eventsPerSecond: number
  maxRssMiB: number
}

function exportRun(home: string, env: NodeJS.ProcessEnv, events: number, {format, profile}: {format: string; profile: string}): ExportRun {
  const out = path.join(home, `export-${profile}.${format}`)
  const args = ['export', '--out', out, '--json', ...(profile === 'none' ? [] : ['--redact', profile])]
  const run = timedCli(args, env)
  if (run.code !== 0) throw new Error(`export failed: ${run.stderr}`)
  const result = JSON.parse(run.stdout) as {bytes: number; rows: number}
  rmSync(out, {force: true})
  return {
    format, profile, rows: result.rows, bytes: result.bytes, seconds: run.seconds, eventsPerSecond: Math.round(events / run.seconds), maxRssMiB: run.maxRssMiB,
  }
}

/** The range forgotten: the middle tenth of the data's time span. */
interface Range {
  since: string
  until: string
}

function middleTenth(first: string, last: string): Range {
  const a = Date.parse(`${first.replace(' ', 'T')}Z`)
  const b = Date.parse(`${last.replace(' ', 'T')}Z`)
  return {since: new Date(a + 0.45 * (b - a)).toISOString(), until: new Date(a + 0.55 * (b - a)).toISOString()}
}

interface ForgetRun {
  forgotten: number
  kept: number
  /** The rewrite alone (file offline), from the operation's own result. */
  rewriteSeconds: number
  /** The whole command. */
  seconds: number
  maxRssMiB?: number
  bytesBefore: number
  bytesAfter: number
}

interface ForgetResultJson {
  bytes_after: number
  bytes_before: number
  events_kept: number
  forgotten: {events: number}
  seconds: number
  swapped_at: string
}

function forgetRun(env: NodeJS.ProcessEnv, range: Range): ForgetRun {
  const run = timedCli(['forget', '--since', range.since, '--until', range.until, '--yes', '--json'], env)
  if (run.code !== 0) throw new Error(`forget failed: ${run.stderr}`)
  const result = JSON.parse(run.stdout) as ForgetResultJson
  return {
    forgotten: result.forgotten.events,
    kept: result.events_kept,
    rewriteSeconds: result.seconds,
    seconds: run.seconds,
    maxRssMiB: run.maxRssMiB,
    bytesBefore: result.bytes_before,
    bytesAfter: result.bytes_after,
  }
}

interface DaemonForgetRun extends ForgetRun {
  typedKeys: number
  recordedKeys: number
  /** From the swap to the command receiving its result: the buffered input was committed before the result was sent. */
  swapToResultMs: number
  /** Events of this session stamped while the file was offline, as a query right after forget sees them (typing: ~40/s). */
  bufferedDuringRewrite: number
  daemonMaxRssMiB?: number
}

function have(tool: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${tool}`]).status === 0
}

async function startXvfb(): Promise<{display: string; stop(): void}> {
  const child = spawn('Xvfb', ['-displayfd', '3', '-screen', '0', '1280x1024x24', '-nolisten', 'tcp'], {stdio: ['ignore', 'ignore', 'ignore', 'pipe']})
  const display = await new Promise<string>((resolve, reject) => {
    let text = ''
    const timer = setTimeout(() => reject(new Error('Xvfb did not start')), 10_000)
    child.stdio[3]!.on('data', (chunk: Buffer) => {
      text += chunk.toString()
      if (text.includes('\n')) {
        clearTimeout(timer)
        resolve(`:${text.trim()}`)
      }
    })
  })
  return {display, stop: () => child.kill('SIGTERM')}
}

/** Forget inside a running daemon while a private X display gets typed input throughout. */
async function daemonForgetRun(env: NodeJS.ProcessEnv, range: Range): Promise<DaemonForgetRun> {
  const x = await startXvfb()
  const denv = {...env, DISPLAY: x.display}
  try {
    const start = JSON.parse(cli(['start', '--level', 'standard', '--json'], denv)) as {pid: number}
    const typist = spawn('xdotool', ['type', '--delay', String(TYPE_DELAY_MS), 'a'.repeat(TYPED_KEYS)], {env: denv, stdio: 'ignore'})
    const typed = new Promise<void>(resolve => {
      typist.once('exit', () => resolve())
    })
    await new Promise(resolve => {
      setTimeout(resolve, 2000)
    })
    const run = timedCli(['forget', '--since', range.since, '--until', range.until, '--yes', '--json'], denv)
    const returned = Date.now()
    if (run.code !== 0) throw new Error(`forget (daemon) failed: ${run.stderr}`)
    const result = JSON.parse(run.stdout) as ForgetResultJson
    const swapped = Date.parse(result.swapped_at)
    const offlineFrom = swapped - result.seconds * 1000
    const buffered = JSON.parse(cli(['query', `SELECT count(*)::INTEGER AS n FROM events WHERE session_id = 2
      AND ts >= make_timestamp(${offlineFrom * 1000}::BIGINT) AND ts < make_timestamp(${swapped * 1000}::BIGINT)`, '--json'], denv)) as Array<{n: number}>
    await typed
    const rss = /VmHWM:\s+(\d+) kB/.exec(existsSync(`/proc/${start.pid}/status`) ? execFileSync('cat', [`/proc/${start.pid}/status`], {encoding: 'utf8'}) : '')
    const stopped = JSON.parse(cli(['stop', '--json'], denv)) as {events_session: number}
    return {
      forgotten: result.forgotten.events,
      kept: result.events_kept,
      rewriteSeconds: result.seconds,
      seconds: run.seconds,
      bytesBefore: result.bytes_before,
      bytesAfter: result.bytes_after,
      typedKeys: TYPED_KEYS,
      recordedKeys: stopped.events_session / 2,
      swapToResultMs: returned - swapped,
      bufferedDuringRewrite: buffered[0].n,
      daemonMaxRssMiB: rss ? Math.round(Number(rss[1]) / 1024) : undefined,
    }
  } finally {
    x.stop()
  }
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2))
  if (!existsSync(path.join(ROOT, 'dist', 'commands', 'export.js'))) throw new Error('run `npm run build` first: the bench runs the built CLI')
  const work = mkdtempSync(path.join(tmpdir(), 'devtrace-bench-export-'))
  const home = path.join(work, 'home')
  mkdirSync(home, {mode: 0o700})
  const env: NodeJS.ProcessEnv = {...process.env, DEVTRACE_HOME: home, NO_COLOR: '1'}
  delete env.DISPLAY
  const database = path.join(home, 'devtrace.duckdb')
  try {
    console.error(`filling ${args.events} synthetic events …`)
    const filled = await fill(database, args.events, args.seed)
    const {size} = statSync(database)
    console.error(`  ${filled.seconds.toFixed(1)} s, ${(size / 2 ** 20).toFixed(0)} MiB, ${filled.first} → ${filled.last}`)
    const pristine = path.join(work, 'pristine.duckdb')
    copyFileSync(database, pristine)

    const exports: ExportRun[] = []
    for (const [format, profile] of [['parquet', 'none'], ['csv', 'none'], ['parquet', 'coarse'], ['parquet', 'aggregate']]) {
      console.error(`export ${format} (${profile}) …`)
      const run = exportRun(home, env, args.events, {format, profile})
      console.error(`  ${run.seconds.toFixed(1)} s, ${run.eventsPerSecond} events/s, ${(run.bytes / 2 ** 20).toFixed(1)} MiB, peak ${run.maxRssMiB} MiB`)
      exports.push(run)
    }

    console.error('forget one day, daemon stopped …')
    const range = middleTenth(filled.first, filled.last)
    const offline = forgetRun(env, range)
    console.error(`  ${offline.forgotten} forgotten, rewrite ${offline.rewriteSeconds} s, command ${offline.seconds} s, peak ${offline.maxRssMiB} MiB`)

    let running: DaemonForgetRun | undefined
    let daemonNote: string | undefined
    if (!args.daemon) daemonNote = 'skipped (--no-daemon)'
    else if (!have('Xvfb') || !have('xdotool')) daemonNote = 'skipped: needs Xvfb and xdotool'
    else {
      copyFileSync(pristine, database)
      rmSync(`${database}.wal`, {force: true})
      console.error('forget one day inside the running daemon, typing throughout …')
      running = await daemonForgetRun(env, range)
      const {bufferedDuringRewrite, recordedKeys, rewriteSeconds, swapToResultMs, typedKeys} = running
      console.error(`  rewrite ${rewriteSeconds} s; ${bufferedDuringRewrite} events buffered meanwhile; swap → result ${swapToResultMs} ms; keys ${recordedKeys}/${typedKeys}`)
    }

    const result = {
      bench: 'export',
      at: new Date().toISOString(),
      machine: {
        cpus: cpus().length, cpu: cpus()[0]?.model, memoryGiB: Math.round(totalmem() / 2 ** 30), node: process.version,
      },
      events: args.events,
      database: {
        bytes: size, fillSeconds: Math.round(filled.seconds * 10) / 10, first: filled.first, last: filled.last,
      },
      exports,
      forget: {range, offline, daemon: running ?? daemonNote},
    }
    const results = path.join(ROOT, 'bench', 'results')
    mkdirSync(results, {recursive: true})
    const file = path.join(results, `export-${result.at.replaceAll(/[:.]/g, '-')}.json`)
    writeFileSync(file, JSON.stringify(result, null, 2) + '\n')
    console.log(JSON.stringify(result, null, 2))
    console.error(`results: ${path.relative(ROOT, file)}`)
  } finally {
    if (args.keep) console.error(`kept ${work}`)
    else rmSync(work, {force: true, recursive: true})
  }
}

await main()
