import type {ChalkInstance} from 'chalk'

import type {Level} from '../core/level.js'

/** `devtrace start` once the daemon reported ready. */
export function capturingText(pid: number, level: Level, c: ChalkInstance): string {
  return `${c.green('●')} devtrace is capturing (pid ${pid}, level ${level}).`
}

/** A daemon that starts paused (a pause saved before it was restarted) says so and until when. */
export function stillPausedText(until: null | string): string {
  return until === null
    ? 'It is paused, as before: nothing is recorded until `devtrace resume`.'
    : `It is paused, as before, until ${new Date(until).toLocaleTimeString()}.`
}

/** `devtrace pause`: until when, or until `devtrace resume`. */
export function pausedText(resumesAt: null | string): string {
  return resumesAt ? `Paused until ${new Date(resumesAt).toLocaleTimeString()}.` : 'Paused. Run `devtrace resume` to record again.'
}
