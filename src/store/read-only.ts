import type {DuckDBConnection, DuckDBPreparedStatement} from '@duckdb/node-api'

import {DevtraceError, errorMessage} from '../core/errors.js'
import {
  calledFunctions, disallowedCalls, fileLikeTableNames, missingTables,
} from './allowed-functions.js'
import {firstLine} from './open-database.js'

/** SELECT is the only statement kind `query` runs; DuckDB's own parser decides what a statement is. */
const SELECT = 1

export class QueryRefusedError extends DevtraceError {
  constructor(reason: string) {
    super(`Refused: ${reason}. \`devtrace query\` only reads.`, {
      suggestion: 'To change stored data use `devtrace redact` or `devtrace forget`; to copy it out use `devtrace export`.',
    })
    this.name = 'QueryRefusedError'
  }
}

/** A DuckDB parse or bind error, as one sentence. */
export class QueryFailedError extends DevtraceError {
  constructor(error: unknown) {
    const message = firstLine(errorMessage(error)).replace(/^Failed to (extract|prepare) statements?: /, '')
    super(message.replace(/\.?$/, '.'), {
      suggestion: 'Check the SQL; `devtrace query "DESCRIBE events"` lists the columns.',
    })
    this.name = 'QueryFailedError'
  }
}

const STATEMENT_NAMES: Record<number, string> = {
  2: 'INSERT', 3: 'UPDATE', 4: 'EXPLAIN', 5: 'DELETE', 6: 'PREPARE', 7: 'CREATE', 8: 'EXECUTE', 9: 'ALTER',
  10: 'TRANSACTION', 11: 'COPY', 12: 'ANALYZE', 13: 'SET', 14: 'CREATE FUNCTION', 15: 'DROP', 16: 'EXPORT',
  17: 'PRAGMA', 18: 'VACUUM', 19: 'CALL', 20: 'SET', 21: 'LOAD/INSTALL', 23: 'EXTENSION', 25: 'ATTACH',
  26: 'DETACH', 28: 'COPY DATABASE', 29: 'UPDATE EXTENSIONS', 30: 'MERGE INTO',
}

/**
 * Prepare `sql` if, and only if, it cannot change anything: exactly one statement, a SELECT by
 * DuckDB's own parser, calling only functions in the allowed set (allowed-functions.ts) and
 * reading no file. The statement is parsed and checked before it is bound, because binding alone
 * has side effects for some statements (binding EXPORT DATABASE creates its folder) and table
 * functions. Parameters (`$name`) are bound by the caller.
 */
export async function prepareReadOnly(connection: DuckDBConnection, sql: string): Promise<DuckDBPreparedStatement> {
  const tree = await parseSelect(connection, sql)
  const [refused] = await disallowedCalls(connection, calledFunctions(tree))
  if (refused) {
    const what = refused.kind === 'table' ? 'table function' : 'function'
    throw new QueryRefusedError(`${refused.name}() is not a ${what} \`devtrace query\` allows (it may write, read files or change settings)`)
  }

  const [file] = await missingTables(connection, fileLikeTableNames(tree))
  if (file) throw new QueryRefusedError(`"${file}" would be read as a file, and \`devtrace query\` reads only the devtrace database`)

  let prepared
  try {
    prepared = await connection.prepare(sql)
  } catch (error) {
    throw new QueryFailedError(error)
  }

  // A second opinion from the binder: still a SELECT.
  const type = prepared.statementType
  if (type !== SELECT) {
    prepared.destroySync()
    const name = STATEMENT_NAMES[type]
    throw new QueryRefusedError(name ? `this is a statement of type ${name}` : 'only SELECT statements run')
  }

  return prepared
}

interface SerializedSql {
  error: boolean
  error_type?: string
  error_message?: string
  statements?: unknown[]
}

/** Parse only (no binding, no side effects) and insist on exactly one SELECT. */
async function parseSelect(connection: DuckDBConnection, sql: string): Promise<unknown> {
  const reader = await connection.runAndReadAll('SELECT json_serialize_sql($sql::VARCHAR) AS tree', {sql})
  const parsed = JSON.parse(String(reader.getRowObjects()[0].tree)) as SerializedSql
  if (parsed.error) {
    if (parsed.error_type === 'parser') throw new QueryFailedError(`Parser Error: ${parsed.error_message}`)
    // DuckDB serialises SELECTs only: anything else is refused before it is ever bound.
    const extracted = await connection.extractStatements(sql)
    if (extracted.count > 1) throw new QueryRefusedError(`${extracted.count} statements were given; run one at a time`)
    // The keyword only names the statement in the message; the parser made the decision.
    const keyword = /^\s*\(*\s*([a-z]+(?:\s+(?:database|table|view|schema|analyze)\b)?)/i.exec(sql)?.[1]?.toUpperCase() ?? 'non-SELECT'
    throw new QueryRefusedError(`this is a statement of type ${keyword.replaceAll(/\s+/g, ' ')}`)
  }

  const count = parsed.statements?.length ?? 0
  if (count === 0) throw new QueryRefusedError('there is no statement to run')
  if (count > 1) throw new QueryRefusedError(`${count} statements were given; run one at a time`)
  return parsed.statements
}

/**
 * The statement as DuckDB itself prints it back from its syntax tree: no comments, no trailing
 * semicolon, safe to embed as a subquery.
 */
export async function canonicalSql(connection: DuckDBConnection, sql: string): Promise<string> {
  const reader = await connection.runAndReadAll('SELECT json_deserialize_sql(json_serialize_sql($sql::VARCHAR)) AS text', {sql})
  return String(reader.getRowObjects()[0].text)
}
