import type {StatePaths} from '../config/paths.js'
import type {Io} from '../core/io.js'

import {runOperation} from '../run-operation.js'
import {openStore} from '../store/store.js'
import {requireConsent} from '../ui/consent.js'
import {fromToText, redactPreviewText} from '../ui/privacy-view.js'
import {parseRange, toMicros} from '../ui/time.js'
import {
  previewFromRow, type RedactParams, redactParams, type RedactPreview, redactPreviewQuery, type RedactResult,
} from './redact.js'

export interface RedactOptions {
  paths: StatePaths
  profile: string
  since?: string
  until?: string
  dryRun: boolean
  yes: boolean
  /** The present: the range never reaches past it (tests pin it). */
  now?: Date
}

export type RedactOutput = (RedactPreview & {changed: false; dry_run: boolean; profile: string}) | (RedactResult & {changed: true})

/**
 * `devtrace redact`: preview how many values of each column change, stop there on --dry-run or an
 * empty range, else ask and rewrite the database with the profile (through the daemon when it runs).
 */
export async function redactRun(options: RedactOptions, io: Io): Promise<RedactOutput> {
  const now = options.now ?? new Date()
  const range = parseRange(options.since, options.until, now)
  const params = redactParams({
    profile: options.profile,
    sinceMicros: range.since && toMicros(range.since),
    untilMicros: range.until && toMicros(range.until),
  }, toMicros(now))

  const preview = await previewRedaction(options.paths, params)
  if (!io.json) io.log(redactPreviewText(options.profile, preview, fromToText(params.sinceMicros, params.untilMicros!)))
  if (options.dryRun || preview.rows === 0) {
    if (options.dryRun && !io.json) io.log('Dry run: nothing was changed.')
    return {
      changed: false, dry_run: options.dryRun, profile: options.profile, ...preview,
    }
  }

  await requireConsent(io, {
    yes: options.yes,
    question: `Rewrite ${preview.rows} events with profile ${options.profile}? This cannot be undone.`,
    nothingDone: 'Nothing was changed.',
  })

  const result = await runOperation(options.paths, 'redact', {...params})
  if (!io.json) io.log(`Redacted ${result.rows} events with profile ${result.profile}; the database was rewritten in ${result.seconds.toFixed(1)} s.`)
  return {...result, changed: true}
}

async function previewRedaction(paths: StatePaths, params: RedactParams): Promise<RedactPreview> {
  const store = await openStore(paths)
  try {
    const {sql, params: queryParams} = redactPreviewQuery(params)
    let row: Record<string, unknown> = {rows: 0}
    for await (const batch of store.query(sql, queryParams)) {
      if (batch.rows[0]) row = Object.fromEntries(batch.columns.map((column, index) => [column, batch.rows[0][index]]))
    }

    return previewFromRow(row)
  } finally {
    store.close()
  }
}
