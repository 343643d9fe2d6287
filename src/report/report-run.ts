import {existsSync} from 'node:fs'
import path from 'node:path'

import type {StatePaths} from '../config/paths.js'
import type {Io} from '../core/io.js'

import {DevtraceError} from '../core/errors.js'
import {rollupProgressListener} from '../ui/progress.js'

export interface ReportOptions {
  paths: StatePaths
  /** --out as typed (resolved against the working directory). */
  out: string
  sinceMicros?: number
  untilMicros?: number
  idleSeconds: number
  /** Replace an existing file. */
  force: boolean
  /** Report on the demo database instead of the user's. */
  demo: boolean
}

export interface ReportResult {
  file: string
  bytes: number
  events: number
}

/**
 * `devtrace report`: write the self-contained HTML report of a range, read through the daemon
 * when it runs. An existing file is refused before anything is read, unless `force`.
 */
export async function reportRun(options: ReportOptions, io: Io): Promise<ReportResult> {
  const file = path.resolve(options.out)
  if (existsSync(file) && !options.force) {
    throw new DevtraceError(`${file} already exists; not overwriting it.`, {suggestion: 'Choose another --out, or add --force to replace it.'})
  }

  const {writeReport} = await import('./write-report.js')
  const {openAnalysisStore} = await import('../analysis/reader.js')
  const onBuild = io.json ? undefined : rollupProgressListener(io.stderr)
  const store = await openAnalysisStore(options.paths, {demo: options.demo, onBuild})
  let result: ReportResult
  try {
    result = await writeReport(store, file, {
      sinceMicros: options.sinceMicros,
      untilMicros: options.untilMicros,
      idleSeconds: options.idleSeconds,
    })
  } finally {
    store.close()
  }

  if (!io.json) io.log(`Wrote ${result.file} (${result.events.toLocaleString('en-US')} events). Open it in a browser; it loads nothing from the network.`)
  return result
}
