/**
 * bench/file-size: where the bytes of a devtrace database go, table by table, measured in place.
 *
 *   node --import tsx bench/file-size.ts [FILE] [--days N] [--compact-events]
 *
 * Without FILE it makes a fresh demo database (`bin/run.js demo --days N`, default 7, in a
 * temporary DEVTRACE_HOME: run `npm run build` first) and measures that. It prints the file and
 * its WAL, DuckDB's block accounting (used and free blocks), and for every table its rows and
 * the bytes its column segments take in the file. A segment's bytes are read from the file's own
 * layout (pragma storage_info gives each persisted segment's block and offset): the distance to
 * the next segment in the same block, or to the block's end, plus any further whole blocks it
 * spans. What no table claims is DuckDB's metadata and the unused tails of shared blocks.
 * Last, the cost of an empty file with the full schema (migrate + CHECKPOINT).
 *
 * --compact-events: also measure a copy of the file after every live event is compacted into the
 * narrow tables (store/compaction.ts) and the file rewritten (store/compact-file.ts): what the
 * demo's file comes to once it compacts its events at the end.
 */
import type {DuckDBConnection} from '@duckdb/node-api'

import {DuckDBInstance} from '@duckdb/node-api'
import {execFileSync} from 'node:child_process'
import {copyFileSync, mkdtempSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {compactDatabaseFile} from '../src/store/compact-file.js'
import {compactBefore} from '../src/store/compaction.js'
import {fileSize} from '../src/store/file-size.js'
import {migrate} from '../src/store/schema.js'
import {option} from './run-options.js'

async function rows(c: DuckDBConnection, sql: string): Promise<Array<Record<string, unknown>>> {
  return (await c.runAndReadAll(sql)).getRowObjectsJS() as Array<Record<string, unknown>>
}

interface Segment {
  table: string
  block: number
  offset: number
  extra: number
}

/** Every persisted segment of every table, with the block it starts in. */
async function segments(c: DuckDBConnection, tables: string[]): Promise<Segment[]> {
  const all: Segment[] = []
  for (const table of tables) {
    const found = await rows(c, `SELECT block_id, block_offset, coalesce(len(additional_block_ids), 0) AS extra
      FROM pragma_storage_info('${table}') WHERE persistent AND block_id IS NOT NULL AND block_id >= 0`)
    for (const row of found) all.push({
      table, block: Number(row.block_id), offset: Number(row.block_offset), extra: Number(row.extra),
    })
  }

  return all
}

/** Bytes per table: each segment runs to the next segment of its block (any table), or to the block's end. */
function bytesPerTable(all: Segment[], blockSize: number): Map<string, number> {
  const sorted = [...all].sort((a, b) => a.block - b.block || a.offset - b.offset)
  const bytes = new Map<string, number>()
  for (const [index, segment] of sorted.entries()) {
    const next = sorted[index + 1]
    const end = next && next.block === segment.block ? next.offset : blockSize
    bytes.set(segment.table, (bytes.get(segment.table) ?? 0) + end - segment.offset + segment.extra * blockSize)
  }

  return bytes
}

export async function measure(file: string): Promise<string[]> {
  const instance = await DuckDBInstance.create(file, {access_mode: 'READ_ONLY'})
  const c = await instance.connect()
  try {
    const [size] = await rows(c, 'SELECT block_size, total_blocks, used_blocks, free_blocks FROM pragma_database_size() LIMIT 1')
    const blockSize = Number(size.block_size)
    const [count] = await rows(c, 'SELECT count(*) AS n FROM events')
    const events = Number(count.n)
    const perEvent = (bytes: number): string => (bytes / events).toFixed(2).padStart(6)
    const mb = (bytes: number): string => (bytes / 1e6).toFixed(2).padStart(6)
    const free = Number(size.free_blocks) * blockSize
    const tables = (await rows(c, "SELECT table_name AS t FROM duckdb_tables() WHERE schema_name = 'main' ORDER BY 1")).map(row => String(row.t))
    const bytes = bytesPerTable(await segments(c, tables), blockSize)
    const lines = [
      `${file}: ${events.toLocaleString('en')} events`,
      `  file ${mb(fileSize(file))} MB = ${perEvent(fileSize(file))} B/event   WAL ${fileSize(`${file}.wal`)} bytes`,
      `  blocks of ${blockSize / 1024} KiB: ${size.total_blocks} total, ${size.used_blocks} used, ${size.free_blocks} free`
      + ` (${mb(free)} MB = ${perEvent(free)} B/event)`,
      '  table                    rows        MB  B/event',
    ]
    let claimed = 0
    for (const table of tables) {
      const [n] = await rows(c, `SELECT count(*) AS n FROM "${table}"`)
      const b = bytes.get(table) ?? 0
      claimed += b
      lines.push(`  ${table.padEnd(22)} ${String(n.n).padStart(9)}  ${mb(b)}  ${perEvent(b)}`)
    }

    const rest = Number(size.used_blocks) * blockSize - claimed
    lines.push(`  ${'(metadata, block tails)'.padEnd(32)}  ${mb(rest)}  ${perEvent(rest)}`)
    return lines
  } finally {
    c.closeSync()
    instance.closeSync()
  }
}

/** An empty database with the whole schema, as `migrate` leaves it. */
async function emptyFileBytes(dir: string): Promise<number> {
  const file = join(dir, 'empty.duckdb')
  const instance = await DuckDBInstance.create(file)
  const c = await instance.connect()
  await migrate(c, file)
  await c.run('CHECKPOINT')
  c.closeSync()
  instance.closeSync()
  return fileSize(file)
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'devtrace-file-size-'))
  try {
    let file = process.argv[2]
    if (!file || file.startsWith('--')) {
      const days = option('--days', 7)
      execFileSync(process.execPath, ['bin/run.js', 'demo', '--days', String(days)], {env: {...process.env, DEVTRACE_HOME: dir}, stdio: 'ignore'})
      file = join(dir, 'demo', 'demo.duckdb')
      console.log(`devtrace demo --days ${days}`)
    }

    for (const line of await measure(file)) console.log(line)
    if (process.argv.includes('--compact-events')) {
      const copy = join(dir, 'compacted.duckdb')
      copyFileSync(file, copy)
      const instance = await DuckDBInstance.create(copy)
      const c = await instance.connect()
      const moved = await compactBefore(c, Date.now() * 1000 + 86_400_000_000)
      c.closeSync()
      instance.closeSync()
      await compactDatabaseFile(copy)
      console.log(`after compacting ${moved.events} live events over ${moved.days} days and rewriting the file:`)
      for (const line of await measure(copy)) console.log(line)
    }

    console.log(`empty file with the full schema: ${await emptyFileBytes(dir)} bytes`)
  } finally {
    rmSync(dir, {recursive: true, force: true})
  }
}

await main()
