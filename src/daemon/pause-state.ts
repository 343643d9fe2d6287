import {
  closeSync, fsyncSync, openSync, readFileSync, renameSync, rmSync, writeSync,
} from 'node:fs'
import path from 'node:path'

import type {StatePaths} from '../config/paths.js'

import {fsyncFolderOf} from '../store/fsync.js'

/**
 * The pause, kept on disk so a daemon restarted after a crash or by a service manager does not
 * record through a pause the user asked for. `untilMs` is the wall-clock deadline of
 * `pause --for`, or null for a pause that lasts until `devtrace resume`.
 */
export interface SavedPause {
  untilMs: null | number
}

export function pauseFilePath(paths: StatePaths): string {
  return path.join(paths.home, 'pause.json')
}

/**
 * The saved pause if it still holds at `nowMs`. A deadline that has passed, or a file that cannot
 * be read as a pause, counts as no pause: an unreadable file is removed rather than guessed at.
 */
export function loadPause(file: string, nowMs = Date.now()): SavedPause | undefined {
  let text: string
  try {
    text = readFileSync(file, 'utf8')
  } catch {
    return undefined
  }

  const saved = parse(text)
  if (saved && (saved.untilMs === null || saved.untilMs > nowMs)) return saved
  rmSync(file, {force: true})
  return undefined
}

function parse(text: string): SavedPause | undefined {
  try {
    const value = JSON.parse(text) as {paused?: unknown; until?: unknown}
    if (value.paused !== true) return undefined
    if (value.until === null) return {untilMs: null}
    const untilMs = typeof value.until === 'string' ? Date.parse(value.until) : Number.NaN
    return Number.isFinite(untilMs) ? {untilMs} : undefined
  } catch {
    return undefined
  }
}

/**
 * Save the pause (undefined: not paused, remove the file). Written beside its name, fsync'd and
 * renamed, so a crash leaves the old state or the new one, never half of one.
 */
export function savePause(file: string, pause: SavedPause | undefined): void {
  if (!pause) {
    rmSync(file, {force: true})
    fsyncFolderOf(file)
    return
  }

  const until = pause.untilMs === null ? null : new Date(pause.untilMs).toISOString()
  const temporary = `${file}.${process.pid}.tmp`
  const fd = openSync(temporary, 'w', 0o600)
  try {
    writeSync(fd, `${JSON.stringify({paused: true, until})}\n`)
    fsyncSync(fd)
  } finally {
    closeSync(fd)
  }

  renameSync(temporary, file)
  fsyncFolderOf(file)
}
