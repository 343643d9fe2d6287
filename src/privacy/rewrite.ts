import type {DuckDBConnection} from '@duckdb/node-api'

import {
  chmodSync, existsSync, renameSync, rmSync, statSync,
} from 'node:fs'

import type {DatabaseAccess} from '../store/database-access.js'
import type {QueryParams} from '../store/query-stream.js'

import {fileSize} from '../store/file-size.js'
import {fsyncFile, fsyncFolderOf} from '../store/fsync.js'
import {realPath} from '../store/leftovers.js'
import {closeDatabase, openDatabase} from '../store/open-database.js'
import {migrate} from '../store/schema.js'
import {quoteIdent, sqlString} from '../store/sql-text.js'

/**
 * Secure rewrite, for `forget` and `redact`. DuckDB's DELETE and UPDATE leave the old values in
 * free blocks of the file (and in the WAL) until they happen to be overwritten, so removing data
 * "for good" means building a new file that never held it and swapping it in:
 *
 *   1. with the file offline (inside the daemon, capture keeps buffering meanwhile), fold any
 *      WAL into it, so nothing is left that belongs to the old file;
 *   2. create `<db>.rewrite` with the current schema (migrate), attach the old file read-only,
 *      and copy every table — generically, so a table added later is never dropped — through
 *      the caller's per-table SELECT (rows left out, columns transformed);
 *   3. continue every sequence where the old one was (session and audit ids never repeat);
 *   4. CHECKPOINT, close, fsync, 0600, rename over the original (atomic), remove any old WAL,
 *      fsync the folder.
 *
 * A failure before the rename leaves the original untouched and removes the half-built copy; a
 * crash leaves a stale `.rewrite`, removed when the daemon next starts (store/leftovers.ts) or by
 * the next rewrite. After the rename, the new file is complete. What this cannot promise: the old
 * file's blocks are freed by the file system, not scrubbed; on SSDs and copy-on-write file
 * systems only full-disk encryption protects against reading the raw device.
 */

export interface TableInfo {
  name: string
  /** Column names and DuckDB types, in table order. */
  columns: Array<{name: string; type: string}>
}

export function hasTimestamp(table: TableInfo, column: string): boolean {
  return table.columns.some(({name, type}) => name === column && type.startsWith('TIMESTAMP'))
}

/**
 * How one table is copied: a SELECT list (default `*`) and a WHERE clause (default: every
 * row), both over `old.<table>`, with `$name` parameters from the rewrite's `params`.
 *
 * `spill`: rows that leave this table for another one, because after the change they no longer
 * fit its narrow shape (half of a keystroke whose other half was forgotten; a pointer move whose
 * position a profile drops). A complete SELECT over the old file, inserted BY NAME into
 * `main.<into>` after every table is copied, in the same transaction.
 */
export interface TableCopy {
  select?: string
  where?: string
  spill?: {into: string; select: string}
}

export interface RewriteResult {
  /** Rows per table in the new file. */
  tables: Record<string, number>
  bytesBefore: number
  bytesAfter: number
  seconds: number
  /** When the new file took the original's place (ms since the epoch). */
  swappedAt: number
}

/** How a rewrite went, as `forget --json` and `redact --json` report it (their results extend it). */
export interface RewriteSummary {
  database: string
  bytes_before: number
  bytes_after: number
  /** How long the rewrite took: the file was offline (capture buffering) this long. */
  seconds: number
  /** When the rewritten file took over (ISO-8601). */
  swapped_at: string
}

export function rewriteSummary(file: string, rewrite: RewriteResult): RewriteSummary {
  return {
    database: file,
    bytes_before: rewrite.bytesBefore,
    bytes_after: rewrite.bytesAfter,
    seconds: Math.round(rewrite.seconds * 1000) / 1000,
    swapped_at: new Date(rewrite.swappedAt).toISOString(),
  }
}

export interface RewriteOptions {
  /** Per table: how to copy it; undefined copies it as it is. */
  plan: (table: TableInfo) => TableCopy | undefined
  params?: QueryParams
  /** Called with the open rewrite connection after the copy, before it is closed (tests, rollups). */
  after?: (connection: DuckDBConnection) => Promise<void>
}

export const REWRITE_SUFFIX = '.rewrite'

export function rewritePath(file: string): string {
  return `${file}${REWRITE_SUFFIX}`
}

export async function rewriteDatabase(db: DatabaseAccess, options: RewriteOptions): Promise<RewriteResult> {
  return db.offline(() => rewriteOffline(db.file, options))
}

/**
 * The rewrite itself; the file must be closed by everyone (DatabaseAccess.offline). When `file`
 * is a symlink (data kept on another disk), the new file is built beside its target and takes
 * the target's place: the link stays, and the rows are gone from the file it points to.
 */
export async function rewriteOffline(file: string, options: RewriteOptions): Promise<RewriteResult> {
  const started = performance.now()
  // DuckDB keeps the WAL beside the path it was given (the link), so fold it through that path.
  await foldWal(file)
  const real = realPath(file)
  const bytesBefore = fileSize(real)
  const target = rewritePath(real)
  const removeTarget = (): void => {
    removeFile(target)
    removeFile(`${target}.wal`)
  }

  removeTarget()
  let tables: Record<string, number>
  try {
    tables = await buildRewrite(real, target, options)
    if (existsSync(`${target}.wal`) && statSync(`${target}.wal`).size > 0) {
      throw new Error(`the rewritten database left a write-ahead log behind (${target}.wal); the original is unchanged`)
    }

    removeFile(`${target}.wal`)
    if (process.platform !== 'win32') chmodSync(target, 0o600)
    fsyncFile(target)
  } catch (error) {
    // Nothing half-built stays behind: it holds real events.
    removeTarget()
    throw error
  }

  const rewritten = statSync(target).ino
  renameSync(target, real)
  const swappedAt = Date.now()
  for (const wal of new Set([`${file}.wal`, `${real}.wal`])) removeFile(wal)
  fsyncFolderOf(real)
  // The path the daemon and every command open must now lead to the new file; never report a
  // rewrite that the database path does not see.
  if (statSync(file).ino !== rewritten) {
    throw new Error(`${file} does not lead to the rewritten file after the swap`)
  }

  return {
    tables, bytesBefore, bytesAfter: fileSize(real), seconds: (performance.now() - started) / 1000, swappedAt,
  }
}

/** Build the new file at `target` from `file` (steps 2 and 3 above); returns rows per table. */
async function buildRewrite(file: string, target: string, options: RewriteOptions): Promise<Record<string, number>> {
  const tables: Record<string, number> = {}
  const fresh = await openDatabase(target)
  try {
    const {connection} = fresh
    await migrate(connection, target)
    // Read-only, it still takes a (shared) lock: a daemon started meanwhile fails to open the
    // old file instead of writing to a file about to be replaced.
    await connection.run(`ATTACH ${sqlString(file)} AS old (READ_ONLY)`)
    await connection.run('BEGIN TRANSACTION')
    try {
      const sequences = await oldSequences(connection)
      // Sequences this version's migrations do not create come first: tables may default to them.
      for (const sequence of sequences) if (sequence.missing) await connection.run(sequence.sql)
      const spills: Array<NonNullable<TableCopy['spill']>> = []
      for (const table of await oldTables(connection)) {
        const copy = options.plan(table) ?? {}
        if (!(await tableExists(connection, table.name))) {
          // A table this version's migrations do not create (made at run time): recreate it as it was.
          await connection.run(await tableSql(connection, table.name))
        }

        const name = quoteIdent(table.name)
        await connection.run(`DELETE FROM main.${name}`) // rows migrate() put in (schema_version, meta)
        tables[table.name] = await insertedRows(connection, options.params, name, `SELECT ${copy.select ?? '*'} FROM old.main.${name} ${copy.where ? `WHERE ${copy.where}` : ''}`)
        if (copy.spill) spills.push(copy.spill)
      }

      // After every table, so the DELETE above never empties what a spill put in.
      for (const spill of spills) {
        tables[spill.into] = (tables[spill.into] ?? 0) + await insertedRows(connection, options.params, quoteIdent(spill.into), spill.select)
      }

      await continueSequences(connection, sequences)
      await connection.run('COMMIT')
    } catch (error) {
      await connection.run('ROLLBACK')
      throw error
    }

    await connection.run('DETACH old')
    await options.after?.(connection)
    await connection.run('CHECKPOINT')
  } finally {
    closeDatabase(fresh)
  }

  return tables
}

async function insertedRows(connection: DuckDBConnection, params: QueryParams | undefined, table: string, select: string): Promise<number> {
  const reader = await connection.runAndReadAll(`INSERT INTO main.${table} BY NAME ${select}`, usedParams(params, select))
  return Number(reader.getRowObjects()[0]?.Count ?? 0)
}

/** Open and checkpoint the file if it has a WAL, so the old file's state lives in one place. */
async function foldWal(file: string): Promise<void> {
  if (!existsSync(`${file}.wal`)) return
  const db = await openDatabase(file)
  try {
    await db.connection.run('CHECKPOINT')
  } finally {
    closeDatabase(db)
  }
}

/** The old file's tables; not its views (`events`, `event_rows`), which migrate() made in the new file. */
async function oldTables(connection: DuckDBConnection): Promise<TableInfo[]> {
  const reader = await connection.runAndReadAll(`SELECT table_name, list(struct_pack(name := column_name, type := data_type) ORDER BY column_index) AS columns
     FROM duckdb_columns() WHERE database_name = 'old' AND schema_name = 'main'
       AND table_oid IN (SELECT table_oid FROM duckdb_tables() WHERE database_name = 'old')
     GROUP BY table_name ORDER BY table_name`)
  return reader.getRowObjectsJS().map(row => ({
    name: String(row.table_name),
    columns: (row.columns as Array<{name: string; type: string}>).map(column => ({name: column.name, type: column.type})),
  }))
}

async function tableExists(connection: DuckDBConnection, name: string): Promise<boolean> {
  const reader = await connection.runAndReadAll(
    'SELECT count(*)::INTEGER AS n FROM duckdb_tables() WHERE database_name = current_database() AND schema_name = \'main\' AND table_name = $name',
    {name},
  )
  return Number(reader.getRowObjects()[0].n) > 0
}

async function tableSql(connection: DuckDBConnection, name: string): Promise<string> {
  const reader = await connection.runAndReadAll(
    'SELECT sql FROM duckdb_tables() WHERE database_name = \'old\' AND schema_name = \'main\' AND table_name = $name',
    {name},
  )
  return String(reader.getRowObjects()[0].sql)
}

interface SequenceInfo {
  name: string
  /** The old sequence's next value (a sequence's stored start is its next value once the file was closed). */
  oldNext: bigint
  newNext: bigint
  step: bigint
  /** Not created by this version's migrations: recreate it from its SQL (which starts at the next value). */
  missing: boolean
  sql: string
}

async function oldSequences(connection: DuckDBConnection): Promise<SequenceInfo[]> {
  const reader = await connection.runAndReadAll(`SELECT o.sequence_name AS name, o.start_value AS old_next, n.start_value AS new_next, o.increment_by AS step, n.sequence_name IS NULL AS missing, o.sql
     FROM duckdb_sequences() o
     LEFT JOIN duckdb_sequences() n ON n.sequence_name = o.sequence_name AND n.schema_name = 'main' AND n.database_name = current_database()
     WHERE o.database_name = 'old' AND o.schema_name = 'main'`)
  return reader.getRowObjects().map(row => ({
    name: String(row.name),
    oldNext: BigInt(row.old_next as bigint),
    newNext: row.new_next === null ? 0n : BigInt(row.new_next as bigint),
    step: BigInt(row.step as bigint),
    missing: Boolean(row.missing),
    sql: String(row.sql),
  }))
}

/** Sequences (session and audit ids) continue where the old file's did: ids are never reused. */
async function continueSequences(connection: DuckDBConnection, sequences: SequenceInfo[]): Promise<void> {
  for (const sequence of sequences) {
    if (sequence.missing || sequence.step === 0n) continue
    const steps = (sequence.oldNext - sequence.newNext) / sequence.step
    if (steps > 0n) await connection.run(`SELECT max(nextval(${sqlString(sequence.name)})) FROM range(${steps})`)
  }
}

/** DuckDB refuses parameters a statement does not use: pass only those it names. */
function usedParams(params: QueryParams | undefined, sql: string): QueryParams | undefined {
  if (!params) return undefined
  const used = Object.fromEntries(Object.entries(params).filter(([name]) => new RegExp(`\\$${name}\\b`).test(sql)))
  return Object.keys(used).length > 0 ? used : undefined
}

function removeFile(file: string): void {
  rmSync(file, {force: true})
}

