import {existsSync} from 'node:fs'

import type {StatePaths} from '../config/paths.js'
import type {Store} from '../store/store.js'

import {DevtraceError} from '../ui/errors.js'

/**
 * The store `summarize` and `report` read from. The demo database is opened read-only from its
 * file (no daemon ever holds it). For the real one, the rollup is first brought up to date where
 * the file is held (the daemon, or this process read-write when it is stopped); if that fails
 * (an older daemon, a read-only file) the summary is still exact, only slower.
 */
export async function openAnalysisStore(paths: StatePaths, options: {demo?: boolean; refresh?: boolean} = {}): Promise<Store> {
  const {FileStore} = await import('../store/file-store.js')
  if (options.demo) {
    if (!existsSync(paths.demoDatabase)) {
      throw new DevtraceError(`There is no demo database yet (${paths.demoDatabase}).`, {suggestion: 'Create it with `devtrace demo`.'})
    }

    return FileStore.open(paths.demoDatabase)
  }

  const {openStore} = await import('../store/store.js')
  if (options.refresh ?? true) {
    const {runOperation} = await import('../store/run-operation.js')
    try {
      await runOperation(paths, 'rollup-refresh', {})
    } catch (error) {
      // No database at all: openStore says so, with the same suggestion.
      if (!existsSync(paths.database)) return openStore(paths)
      if (process.env.DEBUG) process.stderr.write(`rollup refresh skipped: ${(error as Error).message}\n`)
    }
  }

  return openStore(paths)
}
