/**
 * bench/summarize: `devtrace summarize --json` as a whole command (process start to exit) on
 * 10 M and 100 M synthetic events, against the same totals in SQLite (better-sqlite3 12,
 * row-per-event like selfspy) on the same data, in the same run, timed with hyperfine.
 *
 *   npm run bench:summarize -- [--sizes 10000000,100000000] [--runs 5] [--baseline-runs N] [--raw-max N] [--keep]
 *
 * For each size:
 * 1. events: the synthetic generator (src/demo/synthetic.ts, the same as `devtrace demo`)
 *    through normalise and 100 Hz mouse sampling into the Appender, 10 M events (about 7 weeks
 *    of workdays); 100 M is those 10 M repeated ten times, each copy shifted back by whole weeks
 *    (about 1.5 years of heavy use).
 * 2. the rollup, built from scratch (timed: what an existing database pays once).
 * 3. the SQLite copy: same rows, same order, an index on ts.
 * 4. hyperfine: devtrace summarize --json (rollup; 1 warm-up, 5 runs), devtrace summarize --json
 *    --raw (the same SQL on raw events only; up to --raw-max events, default 10 M) and the SQLite
 *    baseline (3 runs at 10 M, 1 at 100 M: they take minutes); the totals must agree.
 * Data lives under /tmp and is deleted afterwards (unless --keep); results go to bench/results/.
 */
import {DuckDBInstance} from '@duckdb/node-api'
import {execFileSync} from 'node:child_process'
import {
  existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync,
} from 'node:fs'
import {cpus, totalmem} from 'node:os'
import {dirname, join} from 'node:path'
import {fileURLToPath} from 'node:url'

import {refreshRollup} from '../src/analysis/rollup.js'
import {syntheticEvents} from '../src/demo/demo-data.js'
import {EventWriter} from '../src/store/event-writer.js'
import {closeDatabase, openDatabase} from '../src/store/open-database.js'
import {migrate} from '../src/store/schema.js'

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..')
const BIN = join(ROOT, 'bin', 'run.js')
/** BENCH_WORK: another folder, when another run of this benchmark may be using the default one. */
const WORK = process.env.BENCH_WORK ?? '/tmp/devtrace-bench-summarize'
const BLOCK = 10_000_000
const WEEK_MICROS = 7 * 86_400 * 1_000_000

interface Args {
  sizes: number[]
  /** Time the raw-events DuckDB path only up to this many events. */
  rawMax: number
  runs: number
  baselineRuns?: number
  keep: boolean
}

function parseArgs(argv: string[]): Args {
  const args: Args = {
    sizes: [10_000_000, 100_000_000], rawMax: 10_000_000, runs: 5, keep: false,
  }
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i]
    switch (flag) {
    case '--baseline-runs': {
      args.baselineRuns = Number(argv[++i])
      break;
    }

    case '--keep': {
      args.keep = true
      break;
    }

    case '--runs': {
      args.runs = Number(argv[++i])
      break;
    }

    case '--sizes': {
      args.sizes = argv[++i].split(',').map(Number)
      break;
    }

    default: {throw new Error(`unknown argument ${flag}`)
    }
    }
  }

  if (args.sizes.some(size => !(size > 0) || (size > BLOCK && size % BLOCK !== 0))) throw new Error('sizes above 10 M must be multiples of 10 M')
  return args
}

function log(text: string): void {
  process.stderr.write(`[${new Date().toISOString().slice(11, 19)}] ${text}\n`)
}

async function timed<T>(what: string, work: () => Promise<T>): Promise<{result: T; seconds: number}> {
  const start = performance.now()
  const result = await work()
  const seconds = (performance.now() - start) / 1000
  log(`${what}: ${seconds.toFixed(1)} s`)
  return {result, seconds}
}

/** `count` synthetic events (or the 10 M block repeated), written as the daemon writes them. */
async function generate(file: string, count: number): Promise<void> {
  const db = await openDatabase(file)
  try {
    await migrate(db.connection, file)
    const writer = await EventWriter.open(db.connection, 1)
    const block = Math.min(count, BLOCK)
    let batch = []
    let written = 0
    for (const event of syntheticEvents({seed: 42})) {
      batch.push(event)
      if (batch.length === 100_000 || written + batch.length === block) {
        writer.append(batch)
        writer.flush()
        written += batch.length
        batch = []
        if (written === block) break
      }
    }

    writer.close()
    // Key releases get a hold where the generator gives none (it predates hold times), so the
    // hold and flight rollup tables are as full as real input at level standard makes them.
    await db.connection.run('UPDATE events_live SET hold_ms = 40 + hash(rowid) % 120 WHERE kind = \'key_up\' AND hold_ms IS NULL')
    if (count > BLOCK) {
      const span = (await db.connection.runAndReadAll('SELECT epoch_us(max(ts)) - epoch_us(min(ts)) AS s FROM events')).getRowObjectsJS()[0].s as bigint
      const shift = Math.ceil(Number(span) / WEEK_MICROS + 1) * WEEK_MICROS
      // Copies go back in time: shifted forward, the last ones would lie after today, where the
      // rollup never reaches (it covers settled slots only) and every run would read them raw.
      for (let copy = 1; copy < count / BLOCK; copy++) {
        await db.connection.run(`INSERT INTO events_live SELECT make_timestamp(epoch_us(ts) - ${copy * shift}), session_id, kind, key_code, key_class, x, y,
          button, wheel_amount, wheel_direction, modifiers, app, hold_ms FROM events_live WHERE rowid < ${BLOCK}`)
      }
    }

    await db.connection.run('CHECKPOINT')
  } finally {
    closeDatabase(db)
  }
}

async function buildRollup(file: string): Promise<void> {
  const db = await openDatabase(file)
  try {
    await refreshRollup(db.connection)
    await db.connection.run('CHECKPOINT')
  } finally {
    closeDatabase(db)
  }
}

/** The same rows, in the same order, into a row-per-event SQLite table with an index on ts. */
async function copyToSqlite(file: string, sqlite: string, csv: string): Promise<void> {
  const instance = await DuckDBInstance.create(file, {access_mode: 'READ_ONLY'})
  const connection = await instance.connect()
  await connection.run(`COPY (SELECT epoch_us(ts), session_id, kind, key_code, key_class, x, y, button, wheel_amount, wheel_direction, modifiers, app
    FROM events) TO '${csv}' (HEADER false)`) // insertion order is kept, so rowid order
  connection.closeSync()
  instance.closeSync()
  const staging = `${sqlite}.staging`
  const nullable = ['key_code', 'key_class', 'x', 'y', 'button', 'wheel_amount', 'wheel_direction', 'modifiers', 'app']
  // CSV has no NULL: import as text into a staging file, then convert '' to NULL on the way in.
  execFileSync('sqlite3', [sqlite], {
    input: `PRAGMA journal_mode = OFF;
PRAGMA synchronous = OFF;
ATTACH '${staging}' AS s;
PRAGMA s.journal_mode = OFF;
PRAGMA s.synchronous = OFF;
CREATE TABLE s.raw (ts, session_id, kind, key_code, key_class, x, y, button, wheel_amount, wheel_direction, modifiers, app);
.import --csv --schema s ${csv} raw
CREATE TABLE events (ts INTEGER NOT NULL, session_id INTEGER NOT NULL, kind TEXT NOT NULL, key_code INTEGER, key_class TEXT,
  x INTEGER, y INTEGER, button INTEGER, wheel_amount INTEGER, wheel_direction TEXT, modifiers TEXT, app TEXT);
INSERT INTO events SELECT ts, session_id, kind, ${nullable.map(column => `NULLIF(${column}, '')`).join(', ')} FROM s.raw ORDER BY rowid;
DETACH s;
CREATE INDEX events_ts ON events (ts);
ANALYZE;
`,
    stdio: ['pipe', 'inherit', 'inherit'],
  })
  rmSync(staging)
  rmSync(csv)
}

interface HyperfineResult {
  command: string
  mean: number
  stddev: number
  median: number
  min: number
  max: number
  times: number[]
}

function hyperfine(name: string, command: string, {home, runs, warmup}: {home: string; runs: number; warmup: number}): HyperfineResult {
  const out = join(WORK, `${name}.json`)
  execFileSync('hyperfine', ['--style', 'basic', '--warmup', String(warmup), '--runs', String(runs), '--export-json', out, '-n', name, command], {
    stdio: ['ignore', 'inherit', 'inherit'],
    env: {...process.env, DEVTRACE_HOME: home, NO_COLOR: '1'},
  })
  return (JSON.parse(readFileSync(out, 'utf8')) as {results: HyperfineResult[]}).results[0]
}

function totalsOf(json: string): Record<string, unknown> {
  const parsed = JSON.parse(json) as Record<string, unknown> & {totals?: Record<string, unknown>}
  const totals = parsed.totals ?? parsed
  return {
    events: totals.events,
    active_seconds: totals.active_seconds,
    keys: totals.keys,
    inter_key_ms: totals.inter_key_ms,
    bursts: totals.bursts,
    hesitations: totals.hesitations,
    corrections: totals.corrections,
    clicks: totals.clicks,
    wheel: totals.wheel,
    mouse_distance_px: Math.round(totals.mouse_distance_px as number),
  }
}

function machine(): Record<string, unknown> {
  const cpuinfo = existsSync('/proc/cpuinfo') ? readFileSync('/proc/cpuinfo', 'utf8') : ''
  return {
    cpu_model: /^model name\s*:\s*(.+)$/m.exec(cpuinfo)?.[1] ?? cpus()[0]?.model ?? 'unknown',
    cpus: cpus().length,
    memory_gib: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    duckdb: JSON.parse(readFileSync(join(ROOT, 'node_modules/@duckdb/node-api/package.json'), 'utf8')).version,
    better_sqlite3: JSON.parse(readFileSync(join(ROOT, 'node_modules/better-sqlite3/package.json'), 'utf8')).version,
    hyperfine: execFileSync('hyperfine', ['--version'], {encoding: 'utf8'}).trim(),
  }
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2))
  rmSync(WORK, {force: true, recursive: true})
  mkdirSync(WORK, {recursive: true})
  const results: Array<Record<string, unknown>> = []
  try {
    for (const size of args.sizes) {
      const home = join(WORK, `home-${size}`)
      mkdirSync(home, {recursive: true})
      const file = join(home, 'devtrace.duckdb')
      const sqlite = join(WORK, `events-${size}.sqlite`)
      log(`${size.toLocaleString('en-US')} events`)
      const generated = await timed('generate', () => generate(file, size))
      const rollup = await timed('rollup from scratch', () => buildRollup(file))
      const copied = await timed('copy to SQLite', () => copyToSqlite(file, sqlite, join(WORK, 'events.csv')))
      // Each command also leaves its answer in a file (the last run's), so the answers are checked
      // without running the slow baselines again.
      const answer = (name: string): string => join(WORK, `${name}-${size}.json`)
      const devtraceCommand = `node ${BIN} summarize --json > ${answer('devtrace')}`
      const rawCommand = `node ${BIN} summarize --json --raw > ${answer('raw')}`
      const sqliteCommand = `node --import tsx ${join(ROOT, 'bench', 'sqlite-summarize.ts')} ${sqlite} > ${answer('sqlite')}`
      const baselineRuns = args.baselineRuns ?? (size > BLOCK ? 1 : 3)
      const devtrace = hyperfine('devtrace', devtraceCommand, {runs: args.runs, warmup: 1, home})
      // The raw-events path needs no rollup but recomputes every window per query: minutes at 100 M.
      const raw = size <= args.rawMax ? hyperfine('duckdb-raw', rawCommand, {runs: baselineRuns, warmup: 0, home}) : null
      const baseline = hyperfine('sqlite', sqliteCommand, {runs: baselineRuns, warmup: 0, home})
      // Same answers: the rollup, the raw SQL and SQLite agree on every total.
      const answers = {
        devtrace: totalsOf(readFileSync(answer('devtrace'), 'utf8')),
        raw: raw ? totalsOf(readFileSync(answer('raw'), 'utf8')) : null,
        sqlite: totalsOf(readFileSync(answer('sqlite'), 'utf8')),
      }
      const agree = JSON.stringify(answers.devtrace) === JSON.stringify(answers.sqlite) && (answers.raw === null || JSON.stringify(answers.raw) === JSON.stringify(answers.sqlite))
      log(`answers agree: ${agree}`)
      if (!agree) log(JSON.stringify(answers, null, 2))
      results.push({
        events: size,
        duckdb_bytes: statSync(file).size,
        sqlite_bytes: statSync(sqlite).size,
        generate_seconds: generated.seconds,
        rollup_build_seconds: rollup.seconds,
        sqlite_copy_seconds: copied.seconds,
        answers_agree: agree,
        totals: answers.devtrace,
        devtrace,
        duckdb_raw: raw,
        sqlite: baseline,
        speedup_vs_sqlite: baseline.mean / devtrace.mean,
      })
      const rawText = raw ? raw.mean.toFixed(2) + ' s' : 'not run'
      log(`devtrace ${devtrace.mean.toFixed(3)} s, raw DuckDB ${rawText}, SQLite ${baseline.mean.toFixed(1)} s: ${(baseline.mean / devtrace.mean).toFixed(0)}× faster`)
      if (!args.keep) {
        rmSync(home, {force: true, recursive: true})
        rmSync(sqlite, {force: true})
      }
    }
  } finally {
    if (!args.keep) rmSync(WORK, {force: true, recursive: true})
  }

  const report = {
    benchmark: 'summarize', date: new Date().toISOString(), machine: machine(), results,
  }
  mkdirSync(join(ROOT, 'bench', 'results'), {recursive: true})
  const out = join(ROOT, 'bench', 'results', `summarize-${report.date.replaceAll(':', '-')}.json`)
  writeFileSync(out, JSON.stringify(report, null, 2) + '\n')
  process.stdout.write(JSON.stringify(report, null, 2) + '\n')
  log(`results: ${out}`)
}

await main()
