import type {ChalkInstance} from 'chalk'

import type {CaptureBackend} from '../core/capture-backend.js'
import type {Level} from '../core/level.js'

import {localTime} from './event-format.js'

/** `devtrace start` once the daemon reported ready, naming where input comes from. */
export function capturingText(pid: number, level: Level, c: ChalkInstance, backend?: CaptureBackend): string {
  const via = backend ? ` via ${backendLabel(backend)}` : ''
  return `${c.green('●')} devtrace is capturing (pid ${pid}, level ${level})${via}.`
}

const HOOK_PLATFORMS: Partial<Record<NodeJS.Platform, string>> = {darwin: 'macOS', win32: 'Windows'}

/** `evdev (kernel input devices)`, `hook (X11)`: the backend and what it reads. */
export function backendLabel(backend: CaptureBackend, platform: NodeJS.Platform = process.platform): string {
  return backend === 'evdev' ? 'evdev (kernel input devices)' : `hook (${HOOK_PLATFORMS[platform] ?? 'X11'})`
}

/** A daemon that starts paused (a pause saved before it was restarted) says so and until when. */
export function stillPausedText(until: null | string): string {
  return until === null
    ? 'It is paused, as before: nothing is recorded until `devtrace resume`.'
    : `It is paused, as before, until ${messageTime(until)}.`
}

/** `devtrace pause`: until when, or until `devtrace resume`. */
export function pausedText(resumesAt: null | string): string {
  return resumesAt ? `Paused until ${messageTime(resumesAt)}.` : 'Paused. Run `devtrace resume` to record again.'
}

/** A time in a sentence: the 24-hour clock to the second, with the date when it is not today. */
export function messageTime(iso: string, now: Date = new Date()): string {
  return localTime(iso, now, 'seconds')
}
