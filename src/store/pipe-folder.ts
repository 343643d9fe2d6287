import {
  mkdtempSync, readdirSync, rmSync, statSync,
} from 'node:fs'
import os from 'node:os'
import path from 'node:path'

import {processExists} from '../core/process-exists.js'

/**
 * The private folders (0700, in the temp folder) that hold the FIFO a `query --json/--csv`
 * reads DuckDB's output from. Each is named after the process that made it, so a folder left by
 * a process that was killed (SIGKILL leaves no chance to clean up) can be told from one in use
 * and removed by the next devtrace that looks.
 */
const PREFIX = 'devtrace-query-'

export function makePipeFolder(): string {
  return mkdtempSync(path.join(os.tmpdir(), `${PREFIX}${process.pid}-`))
}

/** Remove pipe folders of this user whose process is gone; returns the folders removed. */
export function sweepPipeFolders(tmp = os.tmpdir()): string[] {
  const removed: string[] = []
  let entries: string[]
  try {
    entries = readdirSync(tmp)
  } catch {
    return removed
  }

  for (const name of entries) {
    const pid = Number(new RegExp(`^${PREFIX}(\\d+)-`).exec(name)?.[1])
    if (!pid || pid === process.pid || processExists(pid)) continue
    const folder = path.join(tmp, name)
    try {
      // Only our own: another user's folder is theirs to clean.
      if (statSync(folder).uid !== process.getuid?.()) continue
      rmSync(folder, {force: true, recursive: true})
      removed.push(folder)
    } catch {
      // Gone meanwhile, or not ours to remove.
    }
  }

  return removed
}

