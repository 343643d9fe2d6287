import path from 'node:path'

import type {StatePaths} from '../config/paths.js'
import type {Io} from '../core/io.js'

import {UsageError} from '../core/errors.js'
import {type ProfileOrNone} from '../privacy/profiles.js'
import {runOperation} from '../run-operation.js'
import {exposureLine} from '../ui/exposure-view.js'
import {formatBytes} from '../ui/format.js'
import {watchProgress} from '../ui/progress.js'
import {parseRange, toMicros} from '../ui/time.js'
import {
  checkDestination, type ExportFormat, type ExportResult, formatFromPath, partialPath, progressPath,
} from './export.js'

export interface ExportOptions {
  paths: StatePaths
  /** --out as typed (relative to the working folder). */
  out: string
  format?: string
  /** --redact's profile, or undefined for the data as stored. */
  redact?: string
  since?: string
  until?: string
  force: boolean
  /** Export the demo database instead (the export is entered in its own ledger). */
  demo?: boolean
  /**
   * The `idle_seconds` setting (the aggregate profile's active minutes), read only once the flags
   * have passed: a bad --out is reported before a broken config.json, as it always was.
   */
  idleSeconds: () => number
}

/**
 * `devtrace export`: refuse a destination that cannot work before anything runs (stdout, an
 * unknown extension, an existing file without --force, the database itself), then write the file
 * where the database is held, with a progress line on a terminal.
 */
export async function exportRun(options: ExportOptions, io: Io): Promise<ExportResult> {
  if (options.out === '-') throw new UsageError('export writes a file, not stdout.', 'Give a file path to --out, or use `devtrace query "SELECT * FROM events" --json`.')
  const out = path.resolve(options.out)
  const format = (options.format as ExportFormat | undefined) ?? formatFromPath(out)
  if (!format) {
    throw new UsageError(
      `Cannot tell the format of "${path.basename(out)}" from its extension.`,
      'Name the file .parquet, .csv, .json, .ndjson or .jsonl, or give --format.',
    )
  }

  const range = parseRange(options.since, options.until)
  const profile = (options.redact ?? 'none') as ProfileOrNone
  checkDestination(out, options.force, options.demo ? options.paths.demoDatabase : options.paths.database)
  const idleSeconds = options.idleSeconds()
  const sinceMicros = range.since && toMicros(range.since)
  const untilMicros = range.until && toMicros(range.until)
  // The preview of a redacted export: what its output lets a recipient compute, on stderr (beside --json too).
  if (options.redact !== undefined) {
    const {exposureOfProfile} = await import('../privacy/exposure-run.js')
    const exposure = await exposureOfProfile(options.paths, profile, {sinceMicros, untilMicros, idleSeconds}, {demo: options.demo})
    io.stderr.write(`Exposure of what this writes (${profile}): ${exposureLine(exposure)}\n`)
  }

  const label = `exporting to ${path.basename(out)}`
  const progress = io.json ? {stop() {}} : watchProgress({file: partialPath(out), progressFile: progressPath(out)}, label, {stream: io.stderr})
  let result: ExportResult
  try {
    result = await runOperation(options.paths, 'export', {
      out,
      format,
      profile,
      sinceMicros,
      untilMicros,
      idleSeconds,
      force: options.force,
    }, {demo: options.demo})
  } finally {
    progress.stop()
  }

  if (!io.json) {
    const what = profile === 'none' ? 'unredacted' : `redacted: ${profile}`
    io.log(`Exported ${result.rows} rows (${what}) to ${result.out} as ${result.format}: ${formatBytes(result.bytes)}, sha256 ${result.sha256}.`)
  }

  return result
}
