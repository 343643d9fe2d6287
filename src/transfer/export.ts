import type {DuckDBConnection} from '@duckdb/node-api'

import {createHash} from 'node:crypto'
import {
  createReadStream, existsSync, renameSync, rmSync, statSync, writeFileSync,
} from 'node:fs'
import {chmod} from 'node:fs/promises'
import path from 'node:path'
import {z} from 'zod'

import type {EventFilter} from '../store/event-queries.js'

import {DevtraceError, errorMessage, UsageError} from '../core/errors.js'
import {oneOf, optionalNumber} from '../core/params.js'
import {recordAudit} from '../privacy/ledger.js'
import {PROFILE_CHOICES, type ProfileOrNone, profileSelect} from '../privacy/profiles.js'
import {defineOperation} from '../store/database-access.js'
import {trackPartial} from '../store/leftovers.js'
import {sqlString} from '../store/sql-text.js'
import {ISO_TIMESTAMP_OPTION, selectWithUtcTimestamps, useUtcSession} from '../store/utc-times.js'

/**
 * `export`: one profile's rows written by DuckDB's own writers (`COPY (SELECT …) TO …`), run
 * where the database is held (inside the daemon when it runs). The file appears under its name
 * only once complete (written beside it, then renamed), is readable by its owner only (0600),
 * and is entered in the ledger with its rows, bytes and sha256.
 */

export const EXPORT_FORMATS = ['parquet', 'csv', 'json', 'ndjson'] as const
export type ExportFormat = (typeof EXPORT_FORMATS)[number]

const EXTENSIONS: Record<string, ExportFormat> = {
  '.parquet': 'parquet',
  '.pq': 'parquet',
  '.csv': 'csv',
  '.json': 'json',
  '.ndjson': 'ndjson',
  '.jsonl': 'ndjson',
}

/** The format a file name implies, if any. */
export function formatFromPath(file: string): ExportFormat | undefined {
  return EXTENSIONS[path.extname(file).toLowerCase()]
}

/**
 * DuckDB COPY options per format: `json` is one JSON array, `ndjson` one object a line. Times
 * follow src/store/utc-times.ts: ISO-8601 UTC text, Parquet instants adjusted to UTC.
 */
const COPY_OPTIONS: Record<ExportFormat, string> = {
  parquet: 'FORMAT parquet, COMPRESSION zstd',
  csv: `FORMAT csv, HEADER true, ${ISO_TIMESTAMP_OPTION}`,
  json: `FORMAT json, ARRAY true, ${ISO_TIMESTAMP_OPTION}`,
  ndjson: `FORMAT json, ${ISO_TIMESTAMP_OPTION}`,
}

export const CONTENT_TYPES: Record<ExportFormat, string> = {
  parquet: 'application/vnd.apache.parquet',
  csv: 'text/csv',
  json: 'application/json',
  ndjson: 'application/x-ndjson',
}

/** Where an export is written until it is complete. */
export function partialPath(out: string): string {
  return path.join(path.dirname(out), `.${path.basename(out)}.devtrace-partial`)
}

/**
 * Where a running export reports how far it is (JSON: percentage, rows, total), for the command
 * to show on a terminal: the export may run inside the daemon, and a file beside the output is
 * the simplest channel both sides can see. Removed when the export ends.
 */
export function progressPath(out: string): string {
  return path.join(path.dirname(out), `.${path.basename(out)}.devtrace-progress`)
}

export interface ExportProgress {
  /** `reading`: DuckDB's progress through the rows; `hashing`: the file is written, its sha256 is being computed. */
  phase: 'hashing' | 'reading'
  percentage: number
  rows: number
  total: number
}

/**
 * Poll DuckDB's own query progress for `connection` and write it to `file`; `hashing()` marks the
 * last phase, `stop()` removes the file.
 */
function reportProgress(connection: DuckDBConnection, file: string): {hashing(): void; stop(): void} {
  const write = (report: ExportProgress): void => {
    try {
      writeFileSync(file, JSON.stringify(report), {mode: 0o600})
    } catch {
      // Progress is a courtesy; never let it disturb the export.
    }
  }

  const timer = setInterval(() => {
    const {progress} = connection
    if (progress.percentage < 0) return
    write({
      phase: 'reading', percentage: Math.min(100, progress.percentage), rows: Number(progress.rows_processed), total: Number(progress.total_rows_to_process),
    })
  }, 250)
  return {
    hashing() {
      clearInterval(timer)
      write({
        phase: 'hashing', percentage: 100, rows: 0, total: 0,
      })
    },
    stop() {
      clearInterval(timer)
      rmSync(file, {force: true})
    },
  }
}

export interface WriteOptions {
  profile: ProfileOrNone
  filter: EventFilter
  format: ExportFormat
  idleSeconds?: number
}

/**
 * Write a profile's rows to `file` with DuckDB's COPY; returns the number of rows. For anyone
 * who needs the payload as a file (export, upload).
 */
export async function writeProfileFile(connection: DuckDBConnection, file: string, options: WriteOptions): Promise<number> {
  const {sql, params} = profileSelect(options.profile, options.filter, {idleSeconds: options.idleSeconds})
  const quoted = sqlString(file)
  await useUtcSession(connection)
  const select = options.format === 'parquet' ? await selectWithUtcTimestamps(connection, sql) : sql
  // Straight into `file`: DuckDB would otherwise write an existing file's replacement to a
  // `tmp_` file of its own beside it, which a failure (a full disk) leaves behind, rows and all.
  const reader = await connection.runAndReadAll(`COPY (${select}) TO ${quoted} (${COPY_OPTIONS[options.format]}, USE_TMP_FILE false)`, params)
  return Number(reader.getRowObjects()[0]?.Count ?? 0)
}

/** sha256 of a file, hex, streamed. */
export async function sha256File(file: string): Promise<string> {
  const hash = createHash('sha256')
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer)
  return hash.digest('hex')
}

/** What to write, shared by `export` and `upload-payload`: the format, the profile and the range. */
export const selectionParams = z.object({
  format: oneOf(EXPORT_FORMATS, 'export format'),
  profile: oneOf(PROFILE_CHOICES, 'profile'),
  sinceMicros: optionalNumber,
  untilMicros: optionalNumber,
  idleSeconds: optionalNumber,
})

export const exportParams = selectionParams.extend({
  /** Absolute path of the file to write. */
  out: z.string().default('').refine(out => path.isAbsolute(out), {error: issue => `The export path must be absolute (got "${String(issue.input)}").`}),
  profile: oneOf(PROFILE_CHOICES, 'profile').default('none'),
  force: z.unknown().optional().transform(force => force === true),
})

export type ExportParams = z.output<typeof exportParams>

export interface ExportResult {
  out: string
  format: ExportFormat
  profile: ProfileOrNone
  range_start: null | string
  range_end: null | string
  rows: number
  bytes: number
  sha256: string
  audit_id: number
}

/** Refuse what would surprise: an existing file without --force, a folder, the database itself. */
export function checkDestination(out: string, force: boolean, database: string): void {
  const protectedFiles = [database, `${database}.wal`, `${database}.rewrite`].map(file => path.resolve(file))
  if (protectedFiles.includes(path.resolve(out))) {
    throw new UsageError(`Refusing to export over the devtrace database itself (${out}).`, 'Choose another --out path.')
  }

  if (!existsSync(path.dirname(out)) || !statSync(path.dirname(out)).isDirectory()) {
    throw new DevtraceError(`The folder ${path.dirname(out)} does not exist.`, {suggestion: 'Create it first, or choose another --out path.'})
  }

  if (!existsSync(out)) return
  if (statSync(out).isDirectory()) throw new UsageError(`${out} is a folder.`, 'Give a file path to --out.')
  if (!force) throw new DevtraceError(`${out} already exists.`, {suggestion: 'Add --force to overwrite it, or choose another --out path.'})
}

export const exportOperation = defineOperation(exportParams, async (db, params): Promise<ExportResult> => {
  checkDestination(params.out, params.force, db.file)
  const partial = partialPath(params.out)
  const filter = {sinceMicros: params.sinceMicros, untilMicros: params.untilMicros}
  const connection = await db.connect()
  // DuckDB tracks a query's progress only with the progress bar on (this connection only; never printed).
  await connection.run('SET enable_progress_bar = true')
  await connection.run('SET enable_progress_bar_print = false')
  const progress = reportProgress(connection, progressPath(params.out))
  const unfinished = trackPartial(db.file, [partial, progressPath(params.out)])
  try {
    let rows: number
    let bytes: number
    let sha256: string
    try {
      rmSync(partial, {force: true})
      // Created private before DuckDB writes into it, so no other user can ever read it.
      writeFileSync(partial, '', {mode: 0o600})
      rows = await writeProfileFile(connection, partial, {
        profile: params.profile, filter, format: params.format, idleSeconds: params.idleSeconds,
      })
      if (process.platform !== 'win32') await chmod(partial, 0o600)
      progress.hashing()
      bytes = statSync(partial).size
      sha256 = await sha256File(partial)
      renameSync(partial, params.out)
    } catch (error) {
      rmSync(partial, {force: true})
      await recordAudit(connection, {
        action: 'export',
        outcome: 'failed',
        profile: params.profile,
        format: params.format,
        rangeStartMicros: params.sinceMicros,
        rangeEndMicros: params.untilMicros,
        destination: params.out,
        detail: errorMessage(error).split('\n')[0],
      })
      throw new DevtraceError(`Could not write ${params.out}: ${errorMessage(error).split('\n')[0]}`, {cause: error})
    } finally {
      progress.stop()
      unfinished.done()
    }

    const auditId = await recordAudit(connection, {
      action: 'export',
      outcome: 'ok',
      profile: params.profile,
      format: params.format,
      rangeStartMicros: params.sinceMicros,
      rangeEndMicros: params.untilMicros,
      rows,
      bytes,
      sha256,
      destination: params.out,
    })
    return {
      out: params.out,
      format: params.format,
      profile: params.profile,
      range_start: params.sinceMicros === undefined ? null : new Date(params.sinceMicros / 1000).toISOString(),
      range_end: params.untilMicros === undefined ? null : new Date(params.untilMicros / 1000).toISOString(),
      rows,
      bytes,
      sha256,
      audit_id: auditId,
    }
  } finally {
    connection.closeSync()
  }
})
