import {existsSync} from 'node:fs'

import type {StatePaths} from '../config/paths.js'

import {DevtraceError} from '../core/errors.js'
import {FileStore} from './file-store.js'

/** The one sentence for `--demo` before `devtrace demo` has made the demo database. */
export function requireDemoDatabase(paths: StatePaths): void {
  if (!existsSync(paths.demoDatabase)) {
    throw new DevtraceError(`There is no demo database yet (${paths.demoDatabase}).`, {suggestion: 'Create it with `devtrace demo`.'})
  }
}

/**
 * What every read command's `--demo` reads: the demo database, opened read-only from its file.
 * No daemon ever holds it (the daemon records into the user's own database), so it is never
 * asked, and a running daemon is never confused with the demo.
 */
export async function openDemoStore(paths: StatePaths): Promise<FileStore> {
  requireDemoDatabase(paths)
  return FileStore.open(paths.demoDatabase)
}
