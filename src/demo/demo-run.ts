import path from 'node:path'

import type {Summary} from '../analysis/summary.js'
import type {StatePaths} from '../config/paths.js'
import type {DemoProgress} from './demo-data.js'

import {ensurePrivateDir} from '../config/paths.js'

export interface DemoOptions {
  paths: StatePaths
  /** Days of synthetic input (--days). */
  days: number
  /** The idle gap that ends an active stretch (the user's idle_seconds setting). */
  idleSeconds: number
  /** Told what is being built as it goes (days written, the rollup, the report). */
  onProgress?: (progress: DemoProgress) => void
}

export interface DemoOutput {
  database: string
  events: number
  report: string
  summary: Summary
}

/**
 * `devtrace demo`: recreate the demo database (never the user's own) with `days` of synthetic
 * input, summarise it, and write its HTML report beside it.
 */
export async function demoRun(options: DemoOptions): Promise<DemoOutput> {
  const {paths} = options
  ensurePrivateDir(paths.home)
  ensurePrivateDir(path.dirname(paths.demoDatabase))
  const {DEMO_MEMORY_LIMIT, writeDemoDatabase} = await import('./demo-data.js')
  const {computeSummary} = await import('../analysis/summary.js')
  const {writeReport} = await import('../report/write-report.js')
  const {FileStore} = await import('../store/file-store.js')
  const {closeDatabase, openDatabase} = await import('../store/open-database.js')
  const {commandDatabaseSettings} = await import('../store/command-memory.js')
  const created = await writeDemoDatabase(paths.demoDatabase, {days: options.days, onProgress: options.onProgress})
  await (await import('../store/compact-file.js')).compactDatabaseFile(created.file, {memory_limit: DEMO_MEMORY_LIMIT})
  options.onProgress?.({step: 'report'})
  const report = path.join(path.dirname(paths.demoDatabase), 'report.html')
  // Under the same DuckDB memory limit as the build: the report's window queries over a month
  // of input spill to disk rather than growing the process.
  const db = await openDatabase(paths.demoDatabase, {readOnly: true, settings: commandDatabaseSettings(DEMO_MEMORY_LIMIT)})
  const store = FileStore.over(db.connection, () => closeDatabase(db))
  try {
    const summaryOptions = {idleSeconds: options.idleSeconds}
    const summary = await computeSummary(store, summaryOptions)
    await writeReport(store, report, summaryOptions)
    return {
      database: created.file, events: created.events, report, summary,
    }
  } finally {
    store.close()
  }
}
