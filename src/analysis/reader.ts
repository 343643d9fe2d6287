import {existsSync} from 'node:fs'

import type {StatePaths} from '../config/paths.js'
import type {Reader} from './summary.js'

import {DevtraceError} from '../core/errors.js'

/** What `summarize` and `report` read through: read-only queries, then close. */
export type AnalysisStore = Reader & {close(): void}

/**
 * The store `summarize` and `report` read from, with the rollup brought up to date first.
 * - The demo database: opened read-only from its file (no daemon ever holds it; `demo` built its rollup).
 * - The daemon is running: it refreshes the rollup (an operation) and answers the queries.
 * - It is not: this process opens the file once, read-write, refreshes the rollup and reads
 *   through the same connection (still only SELECT, through the read-only guard). Opening it
 *   once rather than twice matters when the whole command has to finish in a second or two.
 * If the refresh cannot run (an older daemon, a file this user cannot write), the summary is
 * still exact, only slower: whatever the rollup lacks is read from raw events.
 */
export async function openAnalysisStore(paths: StatePaths, options: {demo?: boolean; refresh?: boolean} = {}): Promise<AnalysisStore> {
  if (options.demo) {
    if (!existsSync(paths.demoDatabase)) {
      throw new DevtraceError(`There is no demo database yet (${paths.demoDatabase}).`, {suggestion: 'Create it with `devtrace demo`.'})
    }

    const {FileStore} = await import('../store/file-store.js')
    return FileStore.open(paths.demoDatabase)
  }

  const {openStore} = await import('../store/store.js')
  if (!(options.refresh ?? true) || !existsSync(paths.database)) return openStore(paths)
  const {callDaemon} = await import('../ipc/client.js')
  try {
    const viaDaemon = await callDaemon(paths, 'operate', {name: 'rollup-refresh', params: {}})
    if (viaDaemon !== undefined) return openStore(paths)
    return await openRefreshed(paths.database)
  } catch (error) {
    if (process.env.DEBUG) process.stderr.write(`rollup refresh skipped: ${(error as Error).message}\n`)
    return openStore(paths)
  }
}

async function openRefreshed(file: string): Promise<AnalysisStore> {
  const {LocalAccess} = await import('../store/run-operation.js')
  const {streamQuery} = await import('../store/query-stream.js')
  const {refreshRollup} = await import('./rollup.js')
  const access = await LocalAccess.open(file)
  try {
    const connection = await access.connect()
    try {
      await refreshRollup(connection)
    } catch (error) {
      connection.closeSync()
      throw error
    }

    return {
      query: (sql, params) => streamQuery(connection, sql, params),
      close() {
        connection.closeSync()
        access.close()
      },
    }
  } catch (error) {
    access.close()
    throw error
  }
}
