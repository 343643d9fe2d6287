import {statfs} from 'node:fs/promises'
import path from 'node:path'

import {formatBytes} from '../ui/format.js'
import {
  type Check, fail, ok, warn,
} from './check.js'

/** Below this the daemon soon cannot flush, and a `forget` or `redact` rewrite cannot finish. */
export const FAIL_BELOW_BYTES = 100 * 1024 * 1024
/** Below this a heavy week, or a rewrite (which needs room for a second copy of the file), may not fit. */
export const WARN_BELOW_BYTES = 1024 * 1024 * 1024

/** Free space on the disk that holds DEVTRACE_HOME (or the nearest folder above it that exists). */
export async function checkDisk(home: string): Promise<Check> {
  const name = 'disk space'
  const folder = await existingAncestor(home)
  let free: number
  try {
    const stats = await statfs(folder)
    free = Number(stats.bavail) * Number(stats.bsize)
  } catch (error) {
    return warn(name, `Could not read the free space at ${folder} (${(error as Error).message}).`)
  }

  const detail = `${formatBytes(free)} free at ${folder}`
  const fix = 'Free some space on that disk, or point DEVTRACE_HOME at a folder on another one.'
  if (free < FAIL_BELOW_BYTES) return fail(name, `Only ${detail}: the daemon cannot keep writing for long.`, fix)
  if (free < WARN_BELOW_BYTES) return warn(name, `Only ${detail}: \`forget\`, \`redact\` and retention rewrite the whole database and need room for a copy.`, fix)
  return ok(name, `${detail}.`)
}

async function existingAncestor(folder: string): Promise<string> {
  let current = folder
  while (true) {
    try {
      await statfs(current)
      return current
    } catch {
      const parent = path.dirname(current)
      if (parent === current) return current
      current = parent
    }
  }
}
