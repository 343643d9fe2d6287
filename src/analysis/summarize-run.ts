import type {StatePaths} from '../config/paths.js'

import {openAnalysisStore} from './reader.js'
import {computeSummary, type Summary, type SummaryOptions} from './summary.js'

export interface SummarizeOptions extends Pick<SummaryOptions, 'by' | 'byKey' | 'idleSeconds' | 'sinceMicros' | 'untilMicros'> {
  paths: StatePaths
  /** Summarise the demo database instead of the user's. */
  demo: boolean
  /** Raw events only: neither refresh nor read the rollup (for benchmarks). */
  raw: boolean
}

/** `devtrace summarize`: the metrics of a range, read through the daemon when it runs. */
export async function summarizeRun(options: SummarizeOptions): Promise<Summary> {
  const store = await openAnalysisStore(options.paths, {demo: options.demo, refresh: !options.raw})
  try {
    return await computeSummary(store, {
      sinceMicros: options.sinceMicros,
      untilMicros: options.untilMicros,
      idleSeconds: options.idleSeconds,
      by: options.by,
      byKey: options.byKey,
      rollup: !options.raw,
    })
  } finally {
    store.close()
  }
}
