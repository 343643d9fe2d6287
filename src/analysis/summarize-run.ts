import type {StatePaths} from '../config/paths.js'

import {openAnalysisStore, type RollupBuildProgressListener} from './reader.js'
import {computeSummary, type Summary, type SummaryOptions} from './summary.js'

export interface SummarizeOptions extends Pick<SummaryOptions, 'by' | 'byKey' | 'idleSeconds' | 'sinceMicros' | 'untilMicros'> {
  paths: StatePaths
  /** Summarise the demo database instead of the user's. */
  demo: boolean
  /** Raw events only: neither refresh nor read the rollup (for benchmarks). */
  raw: boolean
  /** Told how a rollup build this command runs itself (no daemon, no rollup yet) comes along. */
  onBuild?: RollupBuildProgressListener
}

/** `devtrace summarize`: the metrics of a range, read through the daemon when it runs. */
export async function summarizeRun(options: SummarizeOptions): Promise<Summary> {
  const store = await openAnalysisStore(options.paths, {demo: options.demo, onBuild: options.onBuild, refresh: !options.raw})
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
