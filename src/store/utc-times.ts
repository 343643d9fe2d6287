import type {DuckDBConnection} from '@duckdb/node-api'

/**
 * One rule for every time devtrace writes out: ISO-8601 in UTC with `Z` and microseconds
 * (`2026-11-30T16:34:32.130811Z`), and Parquet timestamps marked as UTC instants. The stored
 * columns are plain TIMESTAMPs that hold UTC wall-clock time.
 */

/** DuckDB COPY option for CSV and JSON: every timestamp as ISO-8601 UTC, always six fraction digits. */
export const ISO_TIMESTAMP_OPTION = 'TIMESTAMPFORMAT \'%Y-%m-%dT%H:%M:%S.%fZ\''

/**
 * Make this connection's session speak UTC. DuckDB formats TIMESTAMPTZ values (now(), a
 * user's `AT TIME ZONE`) in the session's zone, which defaults to the machine's: the `Z` that
 * ISO_TIMESTAMP_OPTION appends is only true once the session zone is UTC.
 */
export async function useUtcSession(connection: DuckDBConnection): Promise<void> {
  await connection.run('SET SESSION TimeZone = \'UTC\'')
}

/**
 * Wrap a SELECT so its plain TIMESTAMP columns become TIMESTAMPTZ instants (the stored value
 * read as UTC). Parquet then marks them isAdjustedToUTC = true, so readers do not take them for
 * local times. Other columns, their names and order are untouched.
 *
 * Built from the microseconds (make_timestamptz(epoch_us(…))) rather than timezone('UTC', …) or a
 * cast, which look a zone up for every row: that nearly doubled a Parquet export's time (see
 * BENCHMARKS.md, "UTC times"); this costs nothing measurable. Text formats do not need it:
 * ISO_TIMESTAMP_OPTION prints the stored UTC values as they are, and faster than an instant.
 */
export async function selectWithUtcTimestamps(connection: DuckDBConnection, sql: string): Promise<string> {
  const prepared = await connection.prepare(sql)
  const naive: string[] = []
  try {
    for (let index = 0; index < prepared.columnCount; index++) {
      if (/^TIMESTAMP(?:_S|_MS|_NS)?$/.test(prepared.columnType(index).toString())) naive.push(prepared.columnName(index))
    }
  } finally {
    prepared.destroySync()
  }

  if (naive.length === 0) return sql
  const quote = (name: string): string => `"${name.replaceAll('"', '""')}"`
  const replaced = naive.map(name => `make_timestamptz(epoch_us(${quote(name)})) AS ${quote(name)}`).join(', ')
  return `SELECT * REPLACE (${replaced}) FROM (${sql}) AS utc_source`
}
