import ms from 'ms'

import {UsageError} from '../core/errors.js'

export const TIME_FORMS = 'ISO-8601 (2026-11-27 or 2026-11-27T09:30), HH:MM today, a duration ago (15m, 2h, 3d), today or yesterday'

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/
const ISO_DATE_TIME = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}:?\d{2})?$/i
const CLOCK = /^(\d{1,2}):(\d{2})(?::(\d{2}))?$/
const RELATIVE = /^\d+(\.\d+)?\s*(ms|s|sec|secs|m|min|mins|h|hr|hrs|d|day|days|w|week|weeks)$/i

function startOfDay(date: Date): Date {
  return new Date(date.getFullYear(), date.getMonth(), date.getDate())
}

/**
 * Parse a `--since`/`--until` value into an instant. Forms without a zone are local time, as a
 * person means them; `Z` or an offset is taken as given.
 */
export function parseTime(text: string, flag: string, now: Date = new Date()): Date {
  const value = text.trim()
  const lower = value.toLowerCase()
  let result: Date | undefined
  switch (lower) {
  case 'now': {
    result = now
    break;
  }

  case 'today': {
    result = startOfDay(now)
    break;
  }

  case 'yesterday': {
    const today = startOfDay(now)
    result = new Date(today.getFullYear(), today.getMonth(), today.getDate() - 1)

    break;
  }

  default: {if (RELATIVE.test(value)) {
    result = new Date(now.getTime() - ms(value.replaceAll(/\s+/g, '') as ms.StringValue))
  } else if (CLOCK.test(value)) {
    const [, hours, minutes, seconds] = CLOCK.exec(value)!
    if (Number(hours) < 24 && Number(minutes) < 60 && Number(seconds ?? 0) < 60) {
      result = new Date(now.getFullYear(), now.getMonth(), now.getDate(), Number(hours), Number(minutes), Number(seconds ?? 0))
    }
  } else if (ISO_DATE.test(value)) {
    const [year, month, day] = value.split('-').map(Number)
    const date = new Date(year, month - 1, day)
    if (date.getMonth() === month - 1 && date.getDate() === day) result = date
  } else if (ISO_DATE_TIME.test(value)) {
    const date = new Date(value.replace(' ', 'T'))
    if (!Number.isNaN(date.getTime())) result = date
  }
  }
  }

  if (!result || Number.isNaN(result.getTime())) {
    throw new UsageError(`${flag} "${text}" is not a time I understand.`, `Use ${TIME_FORMS}.`)
  }

  return result
}

export interface TimeRange {
  since?: Date
  until?: Date
}

/** Both ends parsed against the same "now"; an empty or reversed range is a usage error. */
export function parseRange(since: string | undefined, until: string | undefined, now: Date = new Date()): TimeRange {
  const range: TimeRange = {
    since: since === undefined ? undefined : parseTime(since, '--since', now),
    until: until === undefined ? undefined : parseTime(until, '--until', now),
  }
  if (range.since && range.until && range.since >= range.until) {
    throw new UsageError(`--since (${range.since.toISOString()}) must be before --until (${range.until.toISOString()}).`)
  }

  return range
}

/** Microseconds since the epoch, as the SQL helpers take times (make_timestamp). */
export function toMicros(date: Date): number {
  return date.getTime() * 1000
}
