import {
  chmodSync, existsSync, renameSync, rmSync,
} from 'node:fs'
import {createRequire} from 'node:module'

import {writeProblem} from '../config/write-problem.js'
import {DevtraceError} from '../core/errors.js'
import {fsyncFile, fsyncFolderOf} from './fsync.js'
import {sqlString} from './sql-text.js'

/**
 * Block size of a compacted file. DuckDB gives every table at least one block of its own, so a
 * database of sixteen small tables spends most of an almost empty file on 256 KiB blocks (its
 * default); at 64 KiB the same tables cost a quarter of that, while the column segments of the
 * big tables still compress as well (at 32 KiB and below they compress worse: BENCHMARKS.md,
 * "whole demo file"). A file keeps the block size it was made with, and any devtrace reads it.
 */
export const COMPACT_BLOCK_SIZE = 64 * 1024

/**
 * Rewrite a database file that nothing holds open into a fresh file with every table, view,
 * sequence and type, written once in one checkpoint, then put it in the original's place.
 * A file built by many commits (the demo: a week of events in batches, then a rollup built a
 * week at a time) is left with free blocks, one partly filled block per commit's tables and
 * scattered metadata; the copy has none of that. The original stays as it was until the
 * complete copy replaces it in one rename, so a crash or a full disk loses nothing.
 *
 * Returns false, with the original in place and complete, when there was no room for the copy
 * (a full disk, a quota): a bigger file is no reason to fail the command that built it.
 */
export async function compactDatabaseFile(file: string, settings: Record<string, string> = {}): Promise<boolean> {
  // A write-ahead log beside the file would be replayed onto the copy after the rename.
  if (existsSync(`${file}.wal`)) throw new DevtraceError(`Could not compact ${file}: it has a write-ahead log, so something still has it open or did not close it.`)
  const copy = `${file}.compact`
  for (const leftover of [copy, `${copy}.wal`]) rmSync(leftover, {force: true})
  try {
    await copyInto(file, copy, settings)
  } catch (error) {
    for (const leftover of [copy, `${copy}.wal`]) rmSync(leftover, {force: true})
    if (writeProblem(error)) return false
    throw error
  }

  if (process.platform !== 'win32') chmodSync(copy, 0o600)
  fsyncFile(copy)

  renameSync(copy, file)
  fsyncFolderOf(file)
  return true
}

async function copyInto(file: string, copy: string, settings: Record<string, string>): Promise<void> {
  const {DuckDBInstance} = createRequire(import.meta.url)('@duckdb/node-api') as typeof import('@duckdb/node-api')
  const instance = await DuckDBInstance.create(':memory:', {...settings, autoinstall_known_extensions: 'false', autoload_known_extensions: 'false'})
  const connection = await instance.connect()
  try {
    await connection.run(`ATTACH ${sqlString(file)} AS source (READ_ONLY)`)
    await connection.run(`ATTACH ${sqlString(copy)} AS compact (BLOCK_SIZE ${COMPACT_BLOCK_SIZE})`)
    await connection.run('COPY FROM DATABASE source TO compact')
    await connection.run('CHECKPOINT compact')
    await connection.run('DETACH compact')
    await connection.run('DETACH source')
  } finally {
    connection.closeSync()
    instance.closeSync()
  }
}
