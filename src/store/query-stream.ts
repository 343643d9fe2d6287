import type {DuckDBConnection, DuckDBValue} from '@duckdb/node-api'

import {type RowBatch, toJsonValue} from '../core/values.js'
import {prepareReadOnly, QueryFailedError} from './read-only.js'

export type {RowBatch} from '../core/values.js'

export type QueryParams = Record<string, boolean | null | number | string>

/**
 * Run a read-only query and yield its rows a DuckDB chunk (≈2048 rows) at a time, already
 * JSON-safe. Nothing holds the whole result: the consumer's pace sets how fast chunks are
 * fetched, so memory stays flat however large the result.
 */
export async function * streamQuery(connection: DuckDBConnection, sql: string, params?: QueryParams): AsyncGenerator<RowBatch> {
  const prepared = await prepareReadOnly(connection, sql)
  let result
  try {
    if (params && Object.keys(params).length > 0) prepared.bind(params as Record<string, DuckDBValue>)
    result = await prepared.stream()
  } catch (error) {
    throw new QueryFailedError(error)
  }

  const columns = result.deduplicatedColumnNames()
  let sent = false
  while (true) {
    let chunk
    try {
      chunk = await result.fetchChunk()
    } catch (error) {
      throw new QueryFailedError(error)
    }

    if (!chunk || chunk.rowCount === 0) break
    const rows = chunk.getRows().map(row => row.map(value => toJsonValue(value)))
    sent = true
    yield {columns, rows}
  }

  // An empty result still names its columns.
  if (!sent) yield {columns, rows: []}
}

