import {createHash} from 'node:crypto'
import {
  existsSync, mkdirSync, readdirSync, readFileSync, realpathSync, rmSync, writeFileSync,
} from 'node:fs'
import path from 'node:path'

import {sweepPipeFolders} from './pipe-folder.js'

/**
 * What a crash can leave behind, removed when the daemon starts (holding the database lock, so
 * no rewrite can be running): the half-built copy of a rewrite (`<db>.rewrite` and its WAL,
 * full of real events) beside the database file (beside its target when it is a symlink), the
 * partial files of exports that never finished (trackPartial), and the pipe folders of
 * `query --json/--csv` processes that were killed. Calls `report` with a line per path removed.
 */
export function removeLeftovers(database: string, report: (line: string) => void = () => {}): void {
  const bases = new Set([database, realPath(database)])
  for (const base of bases) {
    for (const file of [`${base}.rewrite`, `${base}.rewrite.wal`]) {
      if (!existsSync(file)) continue
      rmSync(file, {force: true})
      report(`removed ${file}, left by an interrupted rewrite (the database itself was never changed by it)`)
    }
  }

  for (const file of removeUnfinishedPartials(database)) report(`removed ${file}, left by an export that never finished`)
  for (const folder of sweepPipeFolders()) report(`removed ${folder}, left by a query that was killed`)
}

/** Where the files an export is writing are listed while it runs (beside the database). */
const partialsFolder = (database: string): string => path.join(path.dirname(database), 'unfinished-exports')

/**
 * Note `files` (an export's partial output, written beside a destination anywhere on disk) in
 * the state folder until `done()`, so that if the process dies first the next daemon start can
 * find and remove them. Only files whose names say they are devtrace's own are ever removed.
 */
export function trackPartial(database: string, files: string[]): {done(): void} {
  const folder = partialsFolder(database)
  const marker = path.join(folder, createHash('sha256').update(files.join('\n')).digest('hex').slice(0, 16))
  try {
    mkdirSync(folder, {mode: 0o700, recursive: true})
    writeFileSync(marker, JSON.stringify(files), {mode: 0o600})
  } catch {
    // The export itself still removes them on failure; only a crash would leave them.
  }

  return {
    done: () => rmSync(marker, {force: true}),
  }
}

function removeUnfinishedPartials(database: string): string[] {
  const folder = partialsFolder(database)
  if (!existsSync(folder)) return []
  const removed: string[] = []
  for (const name of readdirSync(folder)) {
    const marker = path.join(folder, name)
    try {
      const files = JSON.parse(readFileSync(marker, 'utf8')) as unknown
      for (const file of Array.isArray(files) ? files.map(String) : []) {
        if (!/\.devtrace-(partial|progress)$/.test(file) || !existsSync(file)) continue
        rmSync(file, {force: true})
        removed.push(file)
      }
    } catch {
      // An unreadable marker names nothing we could safely remove.
    }

    rmSync(marker, {force: true})
  }

  return removed
}

/** Where a database path really is (the target of a symlink), or the path itself if it does not exist yet. */
export function realPath(file: string): string {
  try {
    return realpathSync(file)
  } catch {
    return file
  }
}
