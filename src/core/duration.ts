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

/**
 * A time limit (`--timeout`): a bare number is seconds (`30`), or a number with a unit (`30s`,
 * `2m`, `1h`); `0` means no limit and gives 0. Anything else is a usage error naming the flag.
 */
export function parseTimeout(text: string, flag: string): number {
  const trimmed = text.trim()
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Number(trimmed) * 1000
  if (/^0+(\.0+)?\s*[a-z]+$/i.test(trimmed) && ms(trimmed as ms.StringValue) === 0) return 0
  const value = trimmed === '' ? Number.NaN : ms(trimmed as ms.StringValue)
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new UsageError(`${flag} "${text}" is not a duration.`, 'Use seconds (30), or a number with a unit like 30s, 2m or 1h; 0 means no limit.')
  }

  return value
}

export function formatDuration(milliseconds: number): string {
  return ms(Math.max(0, Math.round(milliseconds)), {long: true})
}
