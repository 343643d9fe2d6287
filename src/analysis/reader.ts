import {existsSync} from 'node:fs'

import type {StatePaths} from '../config/paths.js'
import type {RollupBuildProgress} from '../ipc/protocol.js'
import type {Reader} from './summary.js'

import {errorMessage} from '../core/errors.js'

/** Hears each committed chunk of a rollup build this command runs itself, then null when it ends. */
export type RollupBuildProgressListener = (progress: null | RollupBuildProgress) => void

/** What `summarize` and `report` read through: read-only queries, then close. */
export type AnalysisStore = Reader & {close(): void}

/**
 * The store `summarize` and `report` read from, with the rollup brought up to date first.
 * - The demo database: opened read-only from its file (no daemon ever holds it; `demo` built its rollup).
 * - Otherwise the backend (src/store/backend.ts) refreshes the rollup where the file is held
 *   and answers the queries. Without a daemon it opens the file once, read-write, for both
 *   (reads still only SELECT, through the read-only guard): opening it once rather than twice
 *   matters when the whole command has to finish in a second or two.
 * If the refresh cannot run (an older daemon, a file this user cannot write), the summary is
 * still exact, only slower: whatever the rollup lacks is read from raw events.
 */
export async function openAnalysisStore(
  paths: StatePaths,
  options: {demo?: boolean; onBuild?: RollupBuildProgressListener; refresh?: boolean} = {},
): Promise<AnalysisStore> {
  if (options.demo) {
    const {openDemoStore} = await import('../store/demo-store.js')
    return openDemoStore(paths)
  }

  const {openStore} = await import('../store/store.js')
  if (!(options.refresh ?? true) || !existsSync(paths.database)) return openStore(paths)
  const [{openBackend}, {operate}] = await Promise.all([import('../store/backend.js'), import('../run-operation.js')])
  const backend = await openBackend(paths)
  // Without a daemon the refresh runs in this process: a missing rollup's build reports here.
  const {onRollupProgress} = await import('./rollup-progress.js')
  const unsubscribe = options.onBuild ? onRollupProgress(options.onBuild) : () => {}
  try {
    await operate(backend, 'rollup-refresh', {})
  } catch (error) {
    // The backend closed what the failed refresh opened; reads below open the file read-only.
    if (process.env.DEBUG) process.stderr.write(`rollup refresh skipped: ${errorMessage(error)}\n`)
  } finally {
    unsubscribe()
    options.onBuild?.(null)
  }

  return backend
}
