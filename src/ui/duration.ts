import ms from 'ms'

import {UsageError} from './errors.js'

/** `90s`, `10m`, `2h`, `1d` → milliseconds; anything else is a usage error naming the flag. */
export function parseDuration(text: string, flag: string): number {
  const trimmed = text.trim()
  // ms() throws on an empty string and reads a bare number as milliseconds: both are usage errors here.
  const value = trimmed === '' || /^\d+(\.\d+)?$/.test(trimmed) ? Number.NaN : ms(trimmed as ms.StringValue)
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    throw new UsageError(`${flag} "${text}" is not a duration.`, 'Use a number with a unit, like 30s, 10m, 2h or 1d.')
  }

  return value
}

export function formatDuration(milliseconds: number): string {
  return ms(Math.max(0, Math.round(milliseconds)), {long: true})
}
