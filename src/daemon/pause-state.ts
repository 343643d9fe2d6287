import {
  closeSync, fsyncSync, openSync, readFileSync, renameSync, rmSync, writeSync,
} from 'node:fs'
import path from 'node:path'

import type {Recorder} from '../capture/recorder.js'
import type {StatePaths} from '../config/paths.js'

import {errorMessage} from '../core/errors.js'
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

/**
 * Give the recorder the pause saved before a restart, and save every later pause and resume
 * (the panic hotkey's too). Returns the restored pause, if any, and `save` for the daemon to
 * call before it answers a pause or resume request, so the file is written by then.
 */
export function keepPauseAcrossRestarts(recorder: Recorder, paths: StatePaths, log: (line: string) => void): {
  restored: SavedPause | undefined
  save: () => void
} {
  const file = pauseFilePath(paths)
  const restored = loadPause(file)
  if (restored) {
    recorder.pause(restored.untilMs ?? undefined)
    log(`paused, as before the restart, ${restored.untilMs === null ? 'until resumed' : `until ${new Date(restored.untilMs).toISOString()}`}`)
  }

  const save = (): void => {
    try {
      savePause(file, recorder.isPaused() ? {untilMs: recorder.resumesAt} : undefined)
    } catch (error) {
      log(`could not save the pause (a restart would forget it): ${errorMessage(error)}`)
    }
  }

  // The hotkey toggles from the hook callback: save afterwards, off that path.
  recorder.onPauseChange = () => setImmediate(save)
  return {restored, save}
}

/** How ReadyInfo reports a restored pause: its deadline as ISO-8601, null until resumed, undefined when not paused. */
export function pausedUntil(pause: SavedPause | undefined): null | string | undefined {
  if (!pause) return undefined
  return pause.untilMs === null ? null : new Date(pause.untilMs).toISOString()
}

