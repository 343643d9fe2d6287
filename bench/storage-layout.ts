/**
 * bench/storage-layout: bytes per event of candidate on-disk layouts for `events`, and the cost
 * of reading them back through a view shaped like today's table, before any migration is written.
 *
 *   node --import tsx bench/storage-layout.ts FILE [--repeat R] [--rounds N]
 *
 * FILE is a database kept by `bench/ingest.ts --keep` (bulk-writer-last.duckdb: the realistic
 * mix written through the real writer). Its rows are repeated R times (default 4, timestamps
 * shifted so they stay increasing) so 256 KiB block rounding stays small, and each layout is
 * built in a fresh file with CREATE TABLE AS + CHECKPOINT; the cost of an empty file is
 * subtracted. Reads: the same two queries on the current table and on the candidate's view,
 * in alternating rounds, median ratio.
 */
import type {DuckDBConnection} from '@duckdb/node-api'

import {DuckDBInstance} from '@duckdb/node-api'
import {mkdtempSync, rmSync} from 'node:fs'
import {loadavg, tmpdir} from 'node:os'
import {join} from 'node:path'
import {parseArgs} from 'node:util'

const TYPES = [
  "CREATE TYPE kind_t AS ENUM ('key_down', 'key_up', 'mouse_move', 'mouse_down', 'mouse_up', 'wheel')",
  "CREATE TYPE key_class_t AS ENUM ('letter', 'digit', 'space', 'punctuation', 'modifier', 'navigation', 'correction', 'function', 'other')",
  "CREATE TYPE wheel_t AS ENUM ('down', 'left', 'right', 'up')",
]

const MS = 'ts::TIMESTAMP_MS AS ts'
const BY_TIME = 'ORDER BY session_id, ts'
const ENUMS = 'kind::kind_t AS kind, key_class::key_class_t AS key_class, wheel_direction::wheel_t AS wheel_direction'

/** App names as a small id: DuckDB run-length encodes an integer column, not a dictionary VARCHAR. */
const APPS = 'CREATE TABLE apps AS SELECT (row_number() OVER (ORDER BY app))::USMALLINT AS id, app AS name FROM (SELECT DISTINCT app FROM memory.src AS src WHERE app IS NOT NULL)'
const APP_ID = '(SELECT id FROM apps WHERE name = src.app) AS app_id'

interface Layout {
  tables: string[]
  /** Today's `events` columns, in today's order and types, over the layout's tables. */
  view?: string
}

const NULLS = {
  key: 'NULL::INTEGER AS key_code, NULL::VARCHAR AS key_class',
  xy: 'NULL::INTEGER AS x, NULL::INTEGER AS y',
  pointer: 'NULL::TINYINT AS button, NULL::SMALLINT AS wheel_amount, NULL::VARCHAR AS wheel_direction',
}

const LAYOUTS: Record<string, Layout> = {
  // Today's table, rewritten whole (what a plain copy costs).
  current: {tables: ['CREATE TABLE events AS SELECT * FROM memory.src AS src']},
  // Type changes only: the ceiling BENCHMARKS.md measured for column tweaks.
  'current + ENUMs + ms, sorted by kind': {
    tables: [...TYPES, `CREATE TABLE events AS SELECT * REPLACE (${MS}, ${ENUMS}) FROM memory.src AS src
      ORDER BY kind, session_id, ts`],
  },
  // Pointer moves apart; everything else in one table.
  'moves | inputs': {
    tables: [
      ...TYPES,
      `CREATE TABLE moves AS SELECT ${MS}, session_id, x::SMALLINT AS x, y::SMALLINT AS y, app FROM memory.src AS src WHERE kind = 'mouse_move' ${BY_TIME}`,
      `CREATE TABLE inputs AS SELECT * REPLACE (${MS}, ${ENUMS}) FROM memory.src AS src
        WHERE kind <> 'mouse_move' ${BY_TIME}`,
    ],
  },
  'moves | key_downs | key_ups | clicks, app id': narrowLayout('id'),
  'moves | key_downs | key_ups | clicks, app name': narrowLayout('name'),
}

/**
 * The proposed layout: one narrow table per shape, so no column holds NULLs that break delta
 * encoding (x/y on key rows, hold_ms on key_down rows); the app as a run-length-encoded id
 * (`id`) or as today's dictionary VARCHAR (`name`), which spares the view a join.
 */
function narrowLayout(appAs: 'id' | 'name'): Layout {
  const ids = appAs === 'id'
  const app = ids ? APP_ID : 'app'
  const join = (alias: string): string => (ids ? `LEFT JOIN apps a ON a.id = ${alias}.app_id` : '')
  const name = ids ? 'a.name' : 'app'
  return {
    tables: [
      ...TYPES,
      ...(ids ? [APPS] : []),
      `CREATE TABLE moves AS SELECT ${MS}, session_id, x::SMALLINT AS x, y::SMALLINT AS y, ${app}
        FROM memory.src AS src WHERE kind = 'mouse_move' ${BY_TIME}`,
      `CREATE TABLE key_downs AS SELECT ${MS}, session_id, key_code, key_class::key_class_t AS key_class, modifiers, ${app} FROM memory.src AS src WHERE kind = 'key_down' ${BY_TIME}`,
      `CREATE TABLE key_ups AS SELECT ${MS}, session_id, key_code, key_class::key_class_t AS key_class, modifiers, ${app}, hold_ms::SMALLINT AS hold_ms
        FROM memory.src AS src WHERE kind = 'key_up' ${BY_TIME}`,
      `CREATE TABLE clicks AS SELECT ${MS}, session_id, kind::kind_t AS kind, x::SMALLINT AS x, y::SMALLINT AS y,
        button, wheel_amount, wheel_direction::wheel_t AS wheel_direction, modifiers, ${app}
        FROM memory.src AS src WHERE kind IN ('mouse_down', 'mouse_up', 'wheel') ${BY_TIME}`,
    ],
    view: `CREATE VIEW events AS
      SELECT m.ts::TIMESTAMP AS ts, session_id, 'mouse_move' AS kind, ${NULLS.key}, x::INTEGER AS x, y::INTEGER AS y, ${NULLS.pointer},
        NULL::VARCHAR AS modifiers, ${name} AS app, NULL::INTEGER AS hold_ms
        FROM moves m ${join('m')}
      UNION ALL
      SELECT k.ts::TIMESTAMP, session_id, 'key_down', key_code, key_class::VARCHAR, ${NULLS.xy}, ${NULLS.pointer}, modifiers, ${name}, NULL::INTEGER
        FROM key_downs k ${join('k')}
      UNION ALL
      SELECT k.ts::TIMESTAMP, session_id, 'key_up', key_code, key_class::VARCHAR, ${NULLS.xy}, ${NULLS.pointer}, modifiers, ${name}, hold_ms::INTEGER
        FROM key_ups k ${join('k')}
      UNION ALL
      SELECT c.ts::TIMESTAMP, session_id, kind::VARCHAR, ${NULLS.key}, x::INTEGER, y::INTEGER, button, wheel_amount, wheel_direction::VARCHAR, modifiers, ${name}, NULL::INTEGER
        FROM clicks c ${join('c')}`,
  }
}

/** What `summarize` and `export` do to `events`: a grouped scan of every row, and every column in time order. */
const READS: Record<string, string> = {
  'grouped scan': "SELECT app, kind, count(*), count(DISTINCT date_trunc('minute', ts)), sum(x), max(hold_ms) FROM d.events GROUP BY ALL",
  'ordered full rows': 'SELECT sum(hash(COLUMNS(*))) FROM (SELECT * FROM d.events ORDER BY ts)',
}

interface Args {
  file: string
  repeat: number
  rounds: number
}

function readArgs(argv: string[]): Args {
  const {positionals, values} = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {repeat: {type: 'string', default: '4'}, rounds: {type: 'string', default: '3'}},
  })
  if (positionals.length !== 1) {
    console.error('usage: storage-layout.ts FILE [--repeat R] [--rounds N]   (FILE from bench/ingest.ts --keep)')
    process.exit(2)
  }

  return {file: positionals[0], repeat: Number(values.repeat), rounds: Number(values.rounds)}
}

async function rows(c: DuckDBConnection, sql: string): Promise<Array<Record<string, unknown>>> {
  return (await c.runAndReadAll(sql)).getRowObjects()
}

async function build(c: DuckDBConnection, file: string, statements: string[]): Promise<number> {
  rmSync(file, {force: true})
  rmSync(`${file}.wal`, {force: true})
  await c.run(`ATTACH '${file}' AS d`)
  await c.run('USE d')
  for (const statement of statements) await c.run(statement)
  await c.run('USE memory')
  await c.run('CHECKPOINT d')
  const [size] = await rows(c, "SELECT used_blocks * block_size AS bytes FROM pragma_database_size() WHERE database_name = 'd'")
  return Number(size.bytes)
}

async function timed(c: DuckDBConnection, sql: string): Promise<number> {
  const start = process.hrtime.bigint()
  await c.run(sql)
  return Number(process.hrtime.bigint() - start) / 1e6
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  const mid = Math.floor(sorted.length / 2)
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2
}

/** Table by table, so the report says where the remaining bytes go. */
async function perTable(c: DuckDBConnection, file: string, layout: Layout, scale: {empty: number; n: number}): Promise<string[]> {
  const {empty, n} = scale
  const lines: string[] = []
  const creates = layout.tables.filter(statement => statement.startsWith('CREATE TABLE'))
  const setup = layout.tables.filter(statement => !statement.startsWith('CREATE TABLE') || statement === APPS)
  for (const create of creates) {
    if (create === APPS) continue
    const bytes = await build(c, file, [...setup, create])
    await c.run('DETACH d')
    lines.push(`    ${/CREATE TABLE (\w+)/.exec(create)?.[1]}: ${((bytes - empty) / n).toFixed(2)} B/event`)
  }

  return lines
}

async function compareReads(c: DuckDBConnection, dir: string, rounds: number): Promise<string[]> {
  const current = join(dir, 'current.duckdb')
  await build(c, current, LAYOUTS.current.tables)
  await c.run('DETACH d')
  const lines: string[] = []
  for (const [layoutName, layout] of Object.entries(LAYOUTS)) {
    if (!layout.view) continue
    const proposed = join(dir, 'proposed.duckdb')
    await build(c, proposed, [...layout.tables, layout.view])
    await c.run('DETACH d')
    lines.push(`  reads through the view of ${layoutName}:`, ...await timeReads(c, {current, proposed}, rounds))
  }

  return lines
}

async function timeReads(c: DuckDBConnection, files: {current: string; proposed: string}, rounds: number): Promise<string[]> {
  const {current, proposed} = files
  const lines: string[] = []
  for (const [name, sql] of Object.entries(READS)) {
    const ratios: number[] = []
    for (let round = 0; round < rounds; round++) {
      const order = round % 2 === 0 ? [current, proposed] : [proposed, current]
      const ms: Record<string, number> = {}
      for (const file of order) {
        await c.run(`ATTACH '${file}' AS d (READ_ONLY)`)
        ms[file] = await timed(c, sql)
        await c.run('DETACH d')
      }

      ratios.push(ms[proposed] / ms[current])
      lines.push(`    ${name} round ${round + 1}: current ${ms[current].toFixed(0)} ms, view ${ms[proposed].toFixed(0)} ms`)
    }

    lines.push(`  ${name}: view/current median ${median(ratios).toFixed(2)} (${rounds} alternating rounds)`)
  }

  return lines
}

async function main(): Promise<void> {
  const args = readArgs(process.argv.slice(2))
  const dir = mkdtempSync(join(tmpdir(), 'devtrace-bench-layout-'))
  const instance = await DuckDBInstance.create(':memory:')
  const c = await instance.connect()
  try {
    await c.run(`ATTACH '${args.file}' AS source (READ_ONLY)`)
    await c.run(`CREATE TABLE src AS
      SELECT * REPLACE (ts + r * (SELECT max(ts) - min(ts) + INTERVAL 1 DAY FROM source.events) AS ts)
      FROM range(${args.repeat}) t(r), source.events ORDER BY ts`)
    const [count] = await rows(c, 'SELECT count(*)::BIGINT AS n FROM memory.src AS src')
    const n = Number(count.n)
    const scratch = join(dir, 'scratch.duckdb')
    const empty = await build(c, scratch, ['CREATE TABLE t (v INTEGER)'])
    await c.run('DETACH d')
    console.log(`### storage layouts: ${n.toLocaleString('en-US')} rows (${args.repeat}× ${args.file}), load average ${loadavg().map(v => v.toFixed(2)).join(' ')}`)
    for (const [name, layout] of Object.entries(LAYOUTS)) {
      const bytes = await build(c, scratch, layout.tables)
      await c.run('DETACH d')
      console.log(`  ${name}: ${((bytes - empty) / n).toFixed(2)} B/event`)
      if (layout.view) for (const line of await perTable(c, scratch, layout, {empty, n})) console.log(line)
    }

    for (const line of await compareReads(c, dir, args.rounds)) console.log(line)
  } finally {
    c.closeSync()
    instance.closeSync()
    rmSync(dir, {recursive: true, force: true})
  }
}

await main()
