import type {DuckDBValue} from '@duckdb/node-api'

export type JsonValue = boolean | JsonValue[] | null | number | string | {[key: string]: JsonValue}

/** Microseconds since the epoch → `2026-11-27T08:04:09.291839Z` (ISO-8601 UTC, microsecond precision). */
export function isoFromMicros(micros: bigint | number): string {
  const value = BigInt(micros)
  const millis = value / 1000n - (value % 1000n < 0n ? 1n : 0n)
  const micro = ((value % 1000n) + 1000n) % 1000n
  const iso = new Date(Number(millis)).toISOString() // …ss.mmmZ
  return `${iso.slice(0, -1)}${micro.toString().padStart(3, '0')}Z`
}

const TIMESTAMP_UNITS: Record<string, bigint> = {
  DuckDBTimestampValue: 1n,
  DuckDBTimestampTZValue: 1n,
  DuckDBTimestampMillisecondsValue: 1000n,
  DuckDBTimestampSecondsValue: 1_000_000n,
}

/**
 * A DuckDB value as plain JSON: timestamps as ISO-8601 UTC strings, 64-bit integers as
 * numbers when they fit exactly (else decimal strings, never "123n"), lists as arrays,
 * structs and maps as objects, everything else as DuckDB prints it.
 */
export function toJsonValue(value: DuckDBValue): JsonValue {
  if (value === null) return null
  switch (typeof value) {
  case 'bigint': {
    return value >= BigInt(Number.MIN_SAFE_INTEGER) && value <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(value) : value.toString()
  }

  case 'boolean':
  case 'string': {
    return value
  }

  case 'number': {
    return Number.isFinite(value) ? value : String(value)
  }

  default: {
    break
  }
  }

  const {name} = value.constructor
  const unit = TIMESTAMP_UNITS[name]
  if (unit !== undefined) {
    const raw = (value as {micros?: bigint; millis?: bigint; seconds?: bigint})
    const amount = raw.micros ?? raw.millis ?? raw.seconds ?? 0n
    return isFinite(amount) ? isoFromMicros(amount * unit) : value.toString()
  }

  if (name === 'DuckDBTimestampNanosecondsValue') return isoFromMicros((value as {nanos: bigint}).nanos / 1000n)
  if (name === 'DuckDBListValue' || name === 'DuckDBArrayValue') return (value as {items: DuckDBValue[]}).items.map(item => toJsonValue(item))
  if (name === 'DuckDBStructValue') {
    const {entries} = value as {entries: Record<string, DuckDBValue>}
    return Object.fromEntries(Object.entries(entries).map(([key, item]) => [key, toJsonValue(item)]))
  }

  if (name === 'DuckDBMapValue') {
    const {entries} = value as {entries: Array<{key: DuckDBValue; value: DuckDBValue}>}
    return Object.fromEntries(entries.map(entry => [String(toJsonValue(entry.key)), toJsonValue(entry.value)]))
  }

  if (name === 'DuckDBDecimalValue') {
    const number = Number(value.toString())
    return Number.isSafeInteger(Math.trunc(number)) ? number : value.toString()
  }

  return value.toString()
}

/** ±infinity timestamps are stored as the extreme int64 values. */
function isFinite(micros: bigint): boolean {
  return micros > -9_223_372_036_854_775_807n && micros < 9_223_372_036_854_775_807n
}

/** Rows of a query result as they travel: named columns, JSON-safe values, one chunk at a time. */
export interface RowBatch {
  columns: string[]
  rows: JsonValue[][]
}
