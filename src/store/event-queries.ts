import type {EventKind} from '../core/event-kind.js'
import type {QueryParams} from './query-stream.js'

export interface EventFilter {
  kinds?: readonly EventKind[]
  /** Microseconds since the epoch, inclusive. */
  sinceMicros?: number
  /** Microseconds since the epoch, exclusive. */
  untilMicros?: number
}

/** WHERE clause and parameters for a time range and kinds; times bind as epoch microseconds. */
export function eventWhere(filter: EventFilter): {where: string; params: QueryParams} {
  const clauses: string[] = []
  const params: QueryParams = {}
  if (filter.kinds?.length) {
    const names = filter.kinds.map((_, index) => `$kind${index}`)
    for (const [index, kind] of filter.kinds.entries()) params[`kind${index}`] = kind
    clauses.push(`kind IN (${names.join(', ')})`)
  }

  if (filter.sinceMicros !== undefined) {
    clauses.push('ts >= make_timestamp($since::BIGINT)')
    params.since = filter.sinceMicros
  }

  if (filter.untilMicros !== undefined) {
    clauses.push('ts < make_timestamp($until::BIGINT)')
    params.until = filter.untilMicros
  }

  return {where: clauses.length > 0 ? `WHERE ${clauses.join(' AND ')}` : '', params}
}

/** The newest `limit` matching events, returned oldest first. */
export function newestEventsQuery(filter: EventFilter, limit: number): {sql: string; params: QueryParams} {
  const {where, params} = eventWhere(filter)
  return {
    sql: `SELECT * FROM (SELECT * FROM events ${where} ORDER BY ts DESC LIMIT ${Math.trunc(limit)}) ORDER BY ts`,
    params,
  }
}
