import {
  closeSync, openSync, readFileSync, rmSync, statSync, writeSync,
} from 'node:fs'
import path from 'node:path'

import type {StatePaths} from '../config/paths.js'

import {DevtraceError} from '../core/errors.js'
import {processExists} from '../core/process-exists.js'

const POLL_MS = 100
/** Longer than a daemon may take to report ready (spawn.ts), so a live starter is never cut short. */
const WAIT_MS = 30_000
const EMPTY_STALE_MS = 5000

/**
 * Only one `devtrace start` at a time spawns a daemon: the others wait here until it has finished
 * (a daemon then answers and they report it as already running) instead of racing it for the
 * database lock and failing. The lock is a file created exclusively, holding the starter's pid;
 * one whose process is gone (a starter killed mid-start) is taken over.
 */
export async function withStartLock<T>(paths: StatePaths, work: () => Promise<T>): Promise<T> {
  const file = path.join(paths.home, 'start.lock')
  const deadline = Date.now() + WAIT_MS
  for (;;) {
    const outcome = tryCreate(file)
    // The database lock still allows one daemon only; without this file concurrent starts may
    // just fail as they race for it. Better than not starting on a full or read-only disk.
    if (outcome === 'unavailable') return work()
    if (outcome === 'created') break
    const holder = holderPid(file)
    // A lock without a pid is either being written this instant or left by a starter that died
    // right after creating it: only the second stays empty for long.
    if (holder === undefined ? ageMs(file) > EMPTY_STALE_MS : !processExists(holder)) {
      rmSync(file, {force: true})
      continue
    }

    if (Date.now() > deadline) {
      throw new DevtraceError(`Another \`devtrace start\` (pid ${holder ?? 'unknown'}) has been starting the daemon for ${WAIT_MS / 1000} s.`, {
        suggestion: `If it is stuck, stop it, or remove ${file}.`,
      })
    }

    await new Promise(resolve => {
      setTimeout(resolve, POLL_MS)
    })
  }

  try {
    return await work()
  } finally {
    rmSync(file, {force: true})
  }
}

function tryCreate(file: string): 'created' | 'taken' | 'unavailable' {
  let fd: number
  try {
    fd = openSync(file, 'wx', 0o600)
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EEXIST' ? 'taken' : 'unavailable'
  }

  try {
    writeSync(fd, `${process.pid}\n`)
    return 'created'
  } catch {
    rmSync(file, {force: true})
    return 'unavailable'
  } finally {
    closeSync(fd)
  }
}

/** The pid in the lock, or undefined while its creator has not written it yet (or it is gone). */
function holderPid(file: string): number | undefined {
  try {
    const pid = Number.parseInt(readFileSync(file, 'utf8'), 10)
    return Number.isInteger(pid) && pid > 0 ? pid : undefined
  } catch {
    return undefined
  }
}

function ageMs(file: string): number {
  try {
    return Date.now() - statSync(file).mtimeMs
  } catch {
    return 0 // gone: the next attempt creates it
  }
}

