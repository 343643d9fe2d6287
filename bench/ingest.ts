/**
 * bench/ingest: the project's real writer path against a bare DuckDB Appender loop, in the
 * same run, on the same machine, over the same realistic synthetic input.
 *
 *   node --import tsx bench/ingest.ts [--events N] [--runs R] [--daemon-events D] [--seed S] [--no-storage] [--keep]
 *
 * writer:   RawInput → Recorder (standard, mouse_hz 100) → drain → EventWriter.append → flush.
 * baseline: the same normalised rows, same flush boundaries, appended by a bare loop of appendX calls.
 *
 * Two regimes, both flushing at boundaries of synthetic time:
 * - daemon: a flush per second of synthetic time, as the daemon does (~18 rows per flush).
 *   Each flush is a DuckDB commit (~1–2 ms), so this regime measures commits more than
 *   appends; it runs on the first D rows (default 50k) to stay inside the time budget.
 * - bulk:   a flush per 10 minutes of synthetic time (~6k rows per flush), all N rows
 *   (default 2M): the per-event cost of the two paths, and the on-disk size at scale.
 *
 * Each run writes a fresh database file (openDatabase + migrate), times the ingest only (first
 * append to the appender's close), then CHECKPOINTs, closes, and measures file size / rows.
 * Writer and baseline runs are interleaved, alternating which goes first.
 */
import type {DuckDBAppender, DuckDBConnection} from '@duckdb/node-api'

import {DuckDBTimestampValue} from '@duckdb/node-api'
import {execFileSync} from 'node:child_process'
import {
  copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync,
} from 'node:fs'
import {cpus, tmpdir} from 'node:os'
import {dirname, join} from 'node:path'
import {fileURLToPath} from 'node:url'
import {parseArgs} from 'node:util'

import type {CapturedEvent} from '../src/capture/event.js'

import {Recorder} from '../src/capture/recorder.js'
import {type SyntheticApp, type SyntheticInput, syntheticInputs} from '../src/demo/synthetic.js'
import {compactBefore, DAY_MICROS} from '../src/store/compaction.js'
import {EventWriter} from '../src/store/event-writer.js'
import {closeDatabase, openDatabase, type OpenedDatabase} from '../src/store/open-database.js'
import {migrate} from '../src/store/schema.js'

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..')
const MOUSE_HZ = 100
const LEVEL = 'standard'
const SESSION_ID = 1
const TARGET_RATIO = 0.8
const TARGET_BYTES_PER_EVENT = 4

type RegimeName = 'bulk' | 'daemon'
const BATCH_MICROS: Record<RegimeName, number> = {daemon: 1_000_000, bulk: 600_000_000}

interface Args {
  events: number
  runs: number
  daemonEvents: number
  seed: number
  storage: boolean
  keep: boolean
}

function readArgs(argv: string[]): Args {
  const {values} = parseArgs({
    args: argv,
    options: {
      events: {type: 'string', default: '2000000'},
      runs: {type: 'string', default: '5'},
      'daemon-events': {type: 'string', default: '50000'},
      seed: {type: 'string', default: '1'},
      'no-storage': {type: 'boolean', default: false},
      keep: {type: 'boolean', default: false},
    },
    strict: true,
  })
  const positive = (name: string, text: string): number => {
    const n = Number(text.replaceAll('_', ''))
    if (!Number.isFinite(n) || n <= 0) throw new Error(`--${name} needs a positive number, not ${text}`)
    return Math.floor(n)
  }

  const events = positive('events', values.events)
  return {
    events,
    runs: positive('runs', values.runs),
    daemonEvents: Math.min(positive('daemon-events', values['daemon-events']), events),
    seed: positive('seed', values.seed),
    storage: !values['no-storage'],
    keep: values.keep,
  }
}

// ---------------------------------------------------------------------------------------------
// Workload

interface AppSwitch {
  app: SyntheticApp
  ts: number
}

/** Puts the app that had focus into each drained event, walking the switch points in step. */
class AppTagger {
  private index = 0

  constructor(private readonly switches: readonly AppSwitch[]) {}

  tag(events: CapturedEvent[]): void {
    const {switches} = this
    for (const e of events) {
      while (this.index + 1 < switches.length && switches[this.index + 1].ts <= e.tsMicros) this.index++
      e.app = switches[this.index].app
    }
  }
}

function newRecorder(): Recorder {
  return new Recorder({level: LEVEL, mouseHz: MOUSE_HZ, queueCapacity: 10_000_000})
}

function nextBoundary(tsMicros: number, batchMicros: number): number {
  return (Math.floor(tsMicros / batchMicros) + 1) * batchMicros
}

/** One regime's input: raw inputs for the writer, and the rows and flush boundaries they give. */
interface Workload {
  regime: RegimeName
  batchMicros: number
  inputs: readonly SyntheticInput[]
  switches: readonly AppSwitch[]
  rows: readonly CapturedEvent[]
  /** Row index where each flush ends. */
  batchEnds: readonly number[]
}

/** Generate raw inputs until the writer path would write at least `events` rows. */
function generate(events: number, seed: number): {inputs: SyntheticInput[]; switches: AppSwitch[]} {
  const inputs: SyntheticInput[] = []
  const switches: AppSwitch[] = []
  const recorder = newRecorder()
  let rows = 0
  for (const input of syntheticInputs({seed})) {
    recorder.handle(input.raw, input.tsMicros)
    if (switches.length === 0 || switches.at(-1)!.app !== input.app) switches.push({app: input.app, ts: input.tsMicros})
    inputs.push(input)
    if (inputs.length % 4096 === 0) {
      rows += recorder.drain().length
      if (rows >= events * 1.01 + 4096) break
    }
  }

  return {inputs, switches}
}

/**
 * Replay the writer path's logic without a database: which rows it produces and where it
 * flushes. The baseline appends exactly these. Stops at the first flush at or past `events`.
 */
function plan(regime: RegimeName, source: {inputs: SyntheticInput[]; switches: AppSwitch[]}, events: number): Workload {
  const batchMicros = BATCH_MICROS[regime]
  const rows: CapturedEvent[] = []
  const batchEnds: number[] = []
  const recorder = newRecorder()
  const tagger = new AppTagger(source.switches)
  let used = source.inputs.length
  let nextFlush = Number.NEGATIVE_INFINITY
  const flush = (): void => {
    const batch = recorder.drain()
    if (batch.length === 0) return
    tagger.tag(batch)
    for (const e of batch) rows.push(e)
    batchEnds.push(rows.length)
  }

  for (const [i, input] of source.inputs.entries()) {
    if (input.tsMicros >= nextFlush) {
      flush()
      if (rows.length >= events) {
        used = i
        break
      }

      nextFlush = nextBoundary(input.tsMicros, batchMicros)
    }

    recorder.handle(input.raw, input.tsMicros)
  }

  if (used === source.inputs.length) flush()
  return {
    regime, batchMicros, inputs: source.inputs.slice(0, used), switches: source.switches, rows, batchEnds,
  }
}

// ---------------------------------------------------------------------------------------------
// The two paths

interface Ingest {
  rows: number
  seconds: number
}

/** The project's path, driven as the daemon drives it (its flush timer replaced by synthetic time). */
async function ingestWriter(connection: DuckDBConnection, work: Workload): Promise<Ingest> {
  const writer = await EventWriter.open(connection, SESSION_ID)
  const recorder = newRecorder()
  const tagger = new AppTagger(work.switches)
  const flush = (): void => {
    const events = recorder.drain()
    tagger.tag(events)
    writer.append(events)
    writer.flush()
  }

  const start = performance.now()
  let nextFlush = Number.NEGATIVE_INFINITY
  for (const input of work.inputs) {
    if (input.tsMicros >= nextFlush) {
      flush()
      nextFlush = nextBoundary(input.tsMicros, work.batchMicros)
    }

    recorder.handle(input.raw, input.tsMicros)
  }

  flush()
  writer.close()
  return {rows: writer.rowsWritten, seconds: (performance.now() - start) / 1000}
}

/** A bare Appender loop over the already-normalised rows, flushed at the same boundaries. */
async function ingestBaseline(connection: DuckDBConnection, work: Workload): Promise<Ingest> {
  const a: DuckDBAppender = await connection.createAppender('events_live')
  const {rows, batchEnds} = work
  const start = performance.now()
  let i = 0
  for (const end of batchEnds) {
    for (; i < end; i++) {
      const e = rows[i]
      a.appendTimestamp(new DuckDBTimestampValue(BigInt(e.tsMicros)))
      a.appendInteger(SESSION_ID)
      a.appendVarchar(e.kind)
      if (e.keyCode === null) a.appendNull()
      else a.appendInteger(e.keyCode)
      if (e.keyClass === null) a.appendNull()
      else a.appendVarchar(e.keyClass)
      if (e.x === null) a.appendNull()
      else a.appendInteger(e.x)
      if (e.y === null) a.appendNull()
      else a.appendInteger(e.y)
      if (e.button === null) a.appendNull()
      else a.appendTinyInt(e.button)
      if (e.wheelAmount === null) a.appendNull()
      else a.appendSmallInt(e.wheelAmount)
      if (e.wheelDirection === null) a.appendNull()
      else a.appendVarchar(e.wheelDirection)
      if (e.modifiers === null) a.appendNull()
      else a.appendVarchar(e.modifiers)
      if (e.app === null) a.appendNull()
      else a.appendVarchar(e.app)
      if (e.holdMs === null) a.appendNull()
      else a.appendInteger(e.holdMs)
      a.endRow()
    }

    a.flushSync()
  }

  a.closeSync()
  return {rows: i, seconds: (performance.now() - start) / 1000}
}

// ---------------------------------------------------------------------------------------------
// Runs

type Path = 'baseline' | 'writer'

interface RunResult {
  regime: RegimeName
  run: number
  path: Path
  /** 1 when this path ran first in its pair, 2 when second. */
  order: number
  rows: number
  flushes: number
  ingest_seconds: number
  events_per_second: number
  checkpoint_seconds: number
  file_bytes: number
  bytes_per_event: number
  content_hash?: string
}

async function freshDatabase(file: string): Promise<OpenedDatabase> {
  rmSync(file, {force: true})
  rmSync(`${file}.wal`, {force: true})
  const db = await openDatabase(file)
  await migrate(db.connection, file)
  return db
}

async function scalar(connection: DuckDBConnection, sql: string): Promise<string> {
  const reader = await connection.runAndReadAll(sql)
  return String(reader.getRows()[0][0])
}

/** Order-independent fingerprint of every column, to prove both paths stored the same rows. */
const CONTENT_HASH_SQL = `SELECT count(*) || ':' || sum(hash(ts, session_id, kind, key_code, key_class, x, y, button,
  wheel_amount, wheel_direction, modifiers, app) % 1000000007) FROM events`

interface RunSpec {
  path: Path
  work: Workload
  file: string
  run: number
  /** 1 when this path runs first in its pair, 2 when second. */
  order: number
  /** Fingerprint the stored rows (run 1 only: it is a full scan). */
  withHash: boolean
}

async function runOnce({path, work, file, run, order, withHash}: RunSpec): Promise<RunResult> {
  const db = await freshDatabase(file)
  const ingest = path === 'writer' ? await ingestWriter(db.connection, work) : await ingestBaseline(db.connection, work)
  const counted = Number(await scalar(db.connection, 'SELECT count(*) FROM events'))
  if (counted !== ingest.rows || counted !== work.rows.length) {
    throw new Error(`${path}: ${counted} rows in the table, ${ingest.rows} reported, ${work.rows.length} expected`)
  }

  const checkpointStart = performance.now()
  await db.connection.run('CHECKPOINT')
  const checkpointSeconds = (performance.now() - checkpointStart) / 1000
  const contentHash = withHash ? await scalar(db.connection, CONTENT_HASH_SQL) : undefined
  closeDatabase(db)
  const wal = existsSync(`${file}.wal`) ? statSync(`${file}.wal`).size : 0
  const fileBytes = statSync(file).size + wal
  return {
    regime: work.regime,
    run,
    path,
    order,
    rows: counted,
    flushes: work.batchEnds.length,
    ingest_seconds: ingest.seconds,
    events_per_second: counted / ingest.seconds,
    checkpoint_seconds: checkpointSeconds,
    file_bytes: fileBytes,
    bytes_per_event: fileBytes / counted,
    content_hash: contentHash,
  }
}

// ---------------------------------------------------------------------------------------------
// Storage: where the bytes go, and what other column types would give

interface ColumnBytes {
  column: string
  bytes_per_event: number
  compression: string
}

const ENUM_KIND = 'ENUM(\'key_down\',\'key_up\',\'mouse_move\',\'mouse_down\',\'mouse_up\',\'wheel\')'
const ENUM_KEY_CLASS = 'ENUM(\'letter\',\'digit\',\'space\',\'punctuation\',\'modifier\',\'navigation\',\'correction\',\'function\',\'other\')'
const ENUM_WHEEL = 'ENUM(\'down\',\'left\',\'right\',\'up\')'
const ENUMS = `kind::${ENUM_KIND} AS kind, key_class::${ENUM_KEY_CLASS} AS key_class, wheel_direction::${ENUM_WHEEL} AS wheel_direction`

/** What-ifs over the same rows (CREATE TABLE AS + CHECKPOINT), for the report's proposals. */
const LAYOUTS: Record<string, string> = {
  'as stored (copy)': 'SELECT * FROM src.events',
  'ENUM kind, key_class, wheel_direction': `SELECT * REPLACE (${ENUMS}) FROM src.events`,
  'ENUMs + ts TIMESTAMP_MS': `SELECT * REPLACE (${ENUMS}, ts::TIMESTAMP_MS AS ts) FROM src.events`,
  'rows clustered by kind, then ts': 'SELECT * FROM src.events ORDER BY kind, ts',
  'clustered + ENUMs + TIMESTAMP_MS': `SELECT * REPLACE (${ENUMS}, ts::TIMESTAMP_MS AS ts) FROM src.events ORDER BY kind, ts`,
}

const COLUMNS = ['ts', 'session_id', 'kind', 'key_code', 'key_class', 'x', 'y', 'button', 'wheel_amount', 'wheel_direction', 'modifiers', 'app']

async function usedBytes(connection: DuckDBConnection, alias: string): Promise<number> {
  const reader = await connection.runAndReadAll(`SELECT used_blocks, block_size FROM pragma_database_size() WHERE database_name = '${alias}'`)
  const row = reader.getRowObjects()[0]
  return Number(row.used_blocks) * Number(row.block_size)
}

/**
 * Per-column cost: each column alone in a fresh file. The rows are repeated 4× (timestamps
 * shifted so they stay increasing) so 256 KiB block rounding stays under 0.04 B/event, and the
 * cost of an empty file is subtracted.
 */
async function storageAnalysis(file: string, dir: string): Promise<Storage> {
  const {DuckDBInstance} = await import('@duckdb/node-api')
  const instance = await DuckDBInstance.create(':memory:')
  const c = await instance.connect()
  try {
    await c.run(`ATTACH '${file}' AS src (READ_ONLY)`)
    const n = Number(await scalar(c, 'SELECT count(*) FROM src.events'))
    const scratch = join(dir, 'storage-scratch.duckdb')
    const measure = async (sql: string): Promise<{bytes: number; compression: string}> => {
      rmSync(scratch, {force: true})
      await c.run(`ATTACH '${scratch}' AS d`)
      await c.run(`CREATE TABLE d.t AS ${sql}`)
      await c.run('CHECKPOINT d')
      const bytes = await usedBytes(c, 'd')
      const compression = await scalar(c, 'SELECT coalesce(string_agg(DISTINCT compression, \'+\' ORDER BY compression), \'\') FROM pragma_storage_info(\'d.t\') WHERE segment_type <> \'VALIDITY\'')
      await c.run('DETACH d')
      return {bytes, compression}
    }

    const layouts: Record<string, number> = {}
    for (const [name, sql] of Object.entries(LAYOUTS)) layouts[name] = (await measure(sql)).bytes / n

    const REPEAT = 4
    await c.run(`CREATE TEMP TABLE rep AS
      SELECT * REPLACE (ts + r * (SELECT max(ts) - min(ts) + INTERVAL 1 DAY FROM src.events) AS ts)
      FROM range(${REPEAT}) t(r), src.events ORDER BY ts`)
    const empty = (await measure('SELECT NULL::INTEGER AS v FROM rep')).bytes
    const columns: ColumnBytes[] = []
    for (const column of COLUMNS) {
      const {bytes, compression} = await measure(`SELECT ${column} FROM rep`)
      columns.push({column, bytes_per_event: Math.max(0, bytes - empty) / (n * REPEAT), compression})
    }

    rmSync(scratch, {force: true})
    return {columns, layouts}
  } finally {
    c.closeSync()
    instance.closeSync()
  }
}

// ---------------------------------------------------------------------------------------------
// Compaction: the same rows after the daemon's compaction of past days (src/store/compaction.ts)

interface Compaction {
  events: number
  seconds: number
  /** The file compacted in place, after CHECKPOINT (it keeps the blocks the live rows freed until reused). */
  in_place_bytes_per_event: number
  /** Every table copied into a fresh file: what a file compacted day by day settles at. */
  whole_file_bytes_per_event: number
  /** The four event tables alone: the fresh file's used blocks minus those of an empty database. */
  events_only_bytes_per_event: number
  /** Rows per table after compaction. */
  tables: Record<string, number>
}

const EVENT_TABLES = ['events_live', 'events_moves', 'events_keys', 'events_other']

async function usedFileBytes(file: string): Promise<number> {
  const db = await openDatabase(file)
  try {
    return await usedBytes(db.connection, (await scalar(db.connection, 'SELECT current_database()')))
  } finally {
    closeDatabase(db)
  }
}

async function compactionAnalysis(file: string, dir: string): Promise<Compaction> {
  const compacted = join(dir, 'compacted.duckdb')
  copyFileSync(file, compacted)
  const db = await openDatabase(compacted)
  let events: number
  let seconds: number
  const tables: Record<string, number> = {}
  try {
    events = Number(await scalar(db.connection, 'SELECT count(*) FROM events'))
    const last = Number(await scalar(db.connection, 'SELECT epoch_us(max(ts)) FROM events'))
    const started = performance.now()
    // As the daemon does once the last day has ended: every day before the next midnight.
    await compactBefore(db.connection, (Math.floor(last / DAY_MICROS) + 1) * DAY_MICROS)
    seconds = (performance.now() - started) / 1000
    await db.connection.run('CHECKPOINT')
    if (Number(await scalar(db.connection, 'SELECT count(*) FROM events')) !== events) throw new Error('compaction changed the number of events')
    for (const table of EVENT_TABLES) tables[table] = Number(await scalar(db.connection, `SELECT count(*) FROM ${table}`))
  } finally {
    closeDatabase(db)
  }

  const inPlace = statSync(compacted).size
  const fresh = join(dir, 'compacted-fresh.duckdb')
  const empty = join(dir, 'empty.duckdb')
  for (const target of [fresh, empty]) {
    const copy = await freshDatabase(target)
    try {
      if (target === fresh) {
        await copy.connection.run(`ATTACH '${compacted}' AS src (READ_ONLY)`)
        for (const table of EVENT_TABLES) await copy.connection.run(`INSERT INTO ${table} SELECT * FROM src.${table} ORDER BY rowid`)
        await copy.connection.run('DETACH src')
      }

      await copy.connection.run('CHECKPOINT')
    } finally {
      closeDatabase(copy)
    }
  }

  const eventsOnly = (await usedFileBytes(fresh)) - (await usedFileBytes(empty))
  const result = {
    events,
    seconds,
    in_place_bytes_per_event: inPlace / events,
    whole_file_bytes_per_event: statSync(fresh).size / events,
    events_only_bytes_per_event: eventsOnly / events,
    tables,
  }
  for (const f of [compacted, fresh, empty]) rmSync(f, {force: true})
  return result
}

// ---------------------------------------------------------------------------------------------
// Reporting

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  const mid = Math.floor(sorted.length / 2)
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2
}

function machine(): Record<string, unknown> {
  const cpuinfo = existsSync('/proc/cpuinfo') ? readFileSync('/proc/cpuinfo', 'utf8') : ''
  const tryRun = (cmd: string, args: string[]): string => {
    try {
      return execFileSync(cmd, args, {encoding: 'utf8'}).trim()
    } catch {
      return 'unavailable'
    }
  }

  const pkg = JSON.parse(readFileSync(join(ROOT, 'node_modules/@duckdb/node-api/package.json'), 'utf8')) as {version: string}
  const memory = /^Mem:\s+(\S+)\s+(\S+)\s+(\S+)/m.exec(tryRun('free', ['-h']))
  return {
    nproc: tryRun('nproc', []),
    cpu_model: /^model name\s*:\s*(.+)$/m.exec(cpuinfo)?.[1] ?? cpus()[0]?.model ?? 'unknown',
    memory: memory ? `${memory[1]} total, ${memory[3]} free` : 'unavailable',
    node: process.version,
    duckdb_node_api: pkg.version,
    platform: `${process.platform} ${process.arch}`,
  }
}

function kindMix(rows: readonly CapturedEvent[]): Record<string, number> {
  const counts: Record<string, number> = {}
  for (const e of rows) counts[e.kind] = (counts[e.kind] ?? 0) + 1
  const mix: Record<string, number> = {}
  for (const [kind, n] of Object.entries(counts).sort((a, b) => b[1] - a[1])) mix[kind] = Number((n / rows.length).toFixed(4))
  return mix
}

const fmtInt = (n: number): string => Math.round(n).toLocaleString('en-US')
const fmt2 = (n: number): string => n.toFixed(2)

function formatProgress(r: RunResult): string {
  const rate = fmtInt(r.events_per_second).padStart(9)
  return `  run ${r.run} ${r.regime.padEnd(6)} ${r.path.padEnd(8)} ${rate} events/s ${fmt2(r.ingest_seconds).padStart(6)} s  ${fmt2(r.bytes_per_event)} B/event`
}

interface RegimeSummary {
  regime: RegimeName
  rows: number
  flushes: number
  rows_per_flush: number
  median: {
    writer_events_per_second: number
    baseline_events_per_second: number
    ratio: number
    writer_bytes_per_event: number
    baseline_bytes_per_event: number
  }
  per_run: Array<{run: number; writer_events_per_second: number; baseline_events_per_second: number; ratio: number}>
}

function summariseRegime(work: Workload, results: RunResult[]): RegimeSummary {
  const mine = results.filter(r => r.regime === work.regime)
  const runs = [...new Set(mine.map(r => r.run))]
  const pairs = runs.map(run => {
    const w = mine.find(r => r.run === run && r.path === 'writer')!
    const b = mine.find(r => r.run === run && r.path === 'baseline')!
    return {
      run, w, b, ratio: w.events_per_second / b.events_per_second,
    }
  })
  return {
    regime: work.regime,
    rows: work.rows.length,
    flushes: work.batchEnds.length,
    rows_per_flush: work.rows.length / work.batchEnds.length,
    median: {
      writer_events_per_second: median(pairs.map(p => p.w.events_per_second)),
      baseline_events_per_second: median(pairs.map(p => p.b.events_per_second)),
      ratio: median(pairs.map(p => p.ratio)),
      writer_bytes_per_event: median(pairs.map(p => p.w.bytes_per_event)),
      baseline_bytes_per_event: median(pairs.map(p => p.b.bytes_per_event)),
    },
    per_run: pairs.map(p => ({
      run: p.run,
      writer_events_per_second: p.w.events_per_second,
      baseline_events_per_second: p.b.events_per_second,
      ratio: p.ratio,
    })),
  }
}

type Storage = {columns: ColumnBytes[]; layouts: Record<string, number>}

interface ReportInput {
  args: Args
  regimes: RegimeSummary[]
  results: RunResult[]
  bulk: Workload
  storage?: Storage
}

const row = (...cells: Array<number | string>): string => `| ${cells.join(' | ')} |`

function markdown({args, regimes, results, bulk, storage}: ReportInput): string {
  const hours = (bulk.inputs.at(-1)!.tsMicros - bulk.inputs[0].tsMicros) / 3.6e9
  const mix = Object.entries(kindMix(bulk.rows)).map(([k, v]) => `${k} ${(v * 100).toFixed(1)}%`).join(', ')
  const lines = [
    `### ingest: ${args.runs} runs, seed ${args.seed}`,
    '',
    `Realistic mix (level ${LEVEL}, mouse_hz ${MOUSE_HZ}): ${fmtInt(bulk.inputs.length)} raw inputs → ${fmtInt(bulk.rows.length)} rows `
    + `over ${hours.toFixed(1)} h of synthetic time; ${mix}.`,
    '',
    row('regime', 'run', 'rows', 'flushes', 'writer events/s', 'baseline events/s', 'writer/baseline', 'writer B/event', 'baseline B/event'),
    row('---', '---:', '---:', '---:', '---:', '---:', '---:', '---:', '---:'),
  ]
  for (const s of regimes) {
    const label = s.regime === 'daemon' ? 'daemon (1 s batches)' : 'bulk (10 min batches)'
    const bytes = (run: number, path: Path): string => fmt2(results.find(r => r.regime === s.regime && r.run === run && r.path === path)!.bytes_per_event)
    for (const p of s.per_run) {
      const rates = [fmtInt(p.writer_events_per_second), fmtInt(p.baseline_events_per_second), fmt2(p.ratio)]
      lines.push(row(label, p.run, fmtInt(s.rows), fmtInt(s.flushes), ...rates, bytes(p.run, 'writer'), bytes(p.run, 'baseline')))
    }

    const m = s.median
    const medians = [
      fmtInt(m.writer_events_per_second),
      fmtInt(m.baseline_events_per_second),
      fmt2(m.ratio),
      fmt2(m.writer_bytes_per_event),
      fmt2(m.baseline_bytes_per_event),
    ]
    lines.push(row(`**${label}**`, '**median**', fmtInt(s.rows), fmtInt(s.flushes), ...medians.map(v => `**${v}**`)))
  }

  const bulkMedian = regimes.find(s => s.regime === 'bulk')!.median
  const daemonMedian = regimes.find(s => s.regime === 'daemon')!.median
  const ratioMet = bulkMedian.ratio >= TARGET_RATIO && daemonMedian.ratio >= TARGET_RATIO
  const bytesMet = bulkMedian.writer_bytes_per_event <= TARGET_BYTES_PER_EVENT
  lines.push(
    '',
    `Targets: writer/baseline ≥ ${TARGET_RATIO}: ${ratioMet ? 'met' : 'NOT met'} `
    + `(daemon ${fmt2(daemonMedian.ratio)}, bulk ${fmt2(bulkMedian.ratio)}); `
    + `≤ ${TARGET_BYTES_PER_EVENT} B/event after CHECKPOINT: ${bytesMet ? 'met' : 'NOT met'} `
    + `(${fmt2(bulkMedian.writer_bytes_per_event)} B/event at ${fmtInt(bulk.rows.length)} rows).`,
  )
  if (storage) {
    const total = storage.columns.reduce((sum, c) => sum + c.bytes_per_event, 0)
    lines.push(
      '',
      'On-disk bytes per event of the realistic mix, by column (each column alone, after CHECKPOINT):',
      '',
      row('column', 'B/event', 'compression'),
      row('---', '---:', '---'),
      ...storage.columns.map(c => row(c.column, c.bytes_per_event.toFixed(3), c.compression)),
      row('**sum**', `**${total.toFixed(2)}**`, ''),
      '',
      'What-if layouts of the same rows (whole table, CREATE TABLE AS + CHECKPOINT):',
      '',
      row('layout', 'B/event'),
      row('---', '---:'),
      ...Object.entries(storage.layouts).map(([name, b]) => row(name, fmt2(b))),
    )
  }

  return lines.join('\n')
}

function compactionText(c: Compaction): string {
  const met = c.events_only_bytes_per_event <= TARGET_BYTES_PER_EVENT
  return [
    `After compaction (compactBefore the next midnight, ${fmt2(c.seconds)} s for ${fmtInt(c.events)} events; `
    + `rows: ${Object.entries(c.tables).map(([table, n]) => `${table} ${fmtInt(n)}`).join(', ')}):`,
    '',
    row('measure', 'B/event'),
    row('---', '---:'),
    row('events only (the four event tables, used blocks)', fmt2(c.events_only_bytes_per_event)),
    row('whole file (tables copied into a fresh file)', fmt2(c.whole_file_bytes_per_event)),
    row('whole file compacted in place (freed blocks kept until reused)', fmt2(c.in_place_bytes_per_event)),
    '',
    `Target ≤ ${TARGET_BYTES_PER_EVENT} B/event for the events: ${met ? 'met' : 'NOT met'} (${fmt2(c.events_only_bytes_per_event)}).`,
  ].join('\n')
}

// ---------------------------------------------------------------------------------------------

async function main(): Promise<void> {
  const args = readArgs(process.argv.slice(2))
  const dir = mkdtempSync(join(tmpdir(), 'devtrace-bench-ingest-'))
  const log = (line: string): void => {
    process.stderr.write(`${line}\n`)
  }

  const began = performance.now()
  try {
    log(`generating ≥ ${fmtInt(args.events)} events (seed ${args.seed})…`)
    const source = generate(args.events, args.seed)
    const bulk = plan('bulk', source, args.events)
    const daemon = plan('daemon', source, args.daemonEvents)
    for (const w of [daemon, bulk]) {
      log(`  ${w.regime}: ${fmtInt(w.inputs.length)} raw inputs → ${fmtInt(w.rows.length)} rows in ${fmtInt(w.batchEnds.length)} flushes`)
    }

    log(`  ready in ${fmt2((performance.now() - began) / 1000)} s; warming up…`)
    const warm = plan('daemon', source, 20_000)
    for (const [i, path] of (['writer', 'baseline'] as const).entries()) {
      await runOnce({
        path, work: warm, file: join(dir, 'warm.duckdb'), run: 0, order: i + 1, withHash: false,
      })
    }

    const results: RunResult[] = []
    const keepFile = join(dir, 'bulk-writer-last.duckdb')
    const specs: RunSpec[] = []
    for (let run = 1; run <= args.runs; run++) {
      // Interleave: each run does both regimes, writer and baseline back to back, alternating who goes first.
      const order: Path[] = run % 2 === 1 ? ['writer', 'baseline'] : ['baseline', 'writer']
      for (const work of [daemon, bulk]) {
        for (const [i, path] of order.entries()) {
          specs.push({
            path, work, file: join(dir, `${work.regime}-${path}-${run}.duckdb`), run, order: i + 1, withHash: run === 1,
          })
        }
      }
    }

    for (const spec of specs) {
      const result = await runOnce(spec)
      results.push(result)
      log(formatProgress(result))
      // Keep the last bulk writer file for the storage analysis.
      if (spec.work.regime === 'bulk' && spec.path === 'writer') copyFileSync(spec.file, keepFile)
      if (!args.keep) rmSync(spec.file, {force: true})
    }

    for (const regime of ['daemon', 'bulk'] as const) {
      const hashes = results.filter(r => r.regime === regime && r.content_hash).map(r => r.content_hash)
      if (hashes.length !== 2 || hashes[0] !== hashes[1]) throw new Error(`${regime}: writer and baseline stored different rows: ${hashes.join(' vs ')}`)
    }

    log('  compaction…')
    const compaction = await compactionAnalysis(keepFile, dir)
    let storage: Storage | undefined
    if (args.storage) {
      log('  storage analysis…')
      storage = await storageAnalysis(keepFile, dir)
    }

    const regimes = [summariseRegime(daemon, results), summariseRegime(bulk, results)]
    const totalSeconds = (performance.now() - began) / 1000
    const report = markdown({
      args, regimes, results, bulk, storage,
    })
    process.stdout.write(`${report}\n\n${compactionText(compaction)}\n`)

    const json = {
      benchmark: 'ingest',
      timestamp: new Date().toISOString(),
      command: `node --import tsx bench/ingest.ts --events ${args.events} --runs ${args.runs} --daemon-events ${args.daemonEvents} --seed ${args.seed}`,
      machine: machine(),
      config: {
        level: LEVEL, mouse_hz: MOUSE_HZ, batch_micros: BATCH_MICROS, session_id: SESSION_ID,
      },
      workload: {raw_inputs: bulk.inputs.length, rows: bulk.rows.length, kind_mix: kindMix(bulk.rows)},
      regimes,
      targets: {ratio: TARGET_RATIO, bytes_per_event: TARGET_BYTES_PER_EVENT},
      storage,
      compaction,
      runs: results,
      total_seconds: totalSeconds,
    }
    const outDir = join(ROOT, 'bench', 'results')
    mkdirSync(outDir, {recursive: true})
    const outFile = join(outDir, `ingest-${json.timestamp.replaceAll(/[:.]/g, '-')}.json`)
    writeFileSync(outFile, `${JSON.stringify(json, null, 2)}\n`)
    log(`wrote ${outFile} (total ${fmt2(totalSeconds)} s)`)
  } finally {
    if (args.keep) log(`kept databases in ${dir}`)
    else rmSync(dir, {recursive: true, force: true})
  }
}

await main()
