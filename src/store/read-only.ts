import type {DuckDBConnection, DuckDBPreparedStatement} from '@duckdb/node-api'

import {DevtraceError, errorMessage} from '../ui/errors.js'
import {firstLine} from './open-database.js'

/** SELECT is the only statement kind `query` runs; DuckDB's own parser decides what a statement is. */
const SELECT = 1

/** Functions that change state even inside a SELECT. */
const WRITING_FUNCTIONS = new Set(['nextval', 'setval', 'write_log'])

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
 * Prepare `sql` if, and only if, it cannot change anything: exactly one statement, of DuckDB's
 * statement type SELECT, calling no function that writes. Parameters (`$name`) are bound by
 * the caller.
 */
export async function prepareReadOnly(connection: DuckDBConnection, sql: string): Promise<DuckDBPreparedStatement> {
  if (sql.trim() === '') throw new QueryRefusedError('there is no statement to run')
  let extracted
  try {
    extracted = await connection.extractStatements(sql)
  } catch (error) {
    throw new QueryFailedError(error)
  }

  if (extracted.count === 0) throw new QueryRefusedError('there is no statement to run')
  if (extracted.count > 1) throw new QueryRefusedError(`${extracted.count} statements were given; run one at a time`)
  let prepared
  try {
    prepared = await extracted.prepare(0)
  } catch (error) {
    throw new QueryFailedError(error)
  }

  const type = prepared.statementType
  if (type !== SELECT) {
    prepared.destroySync()
    const name = STATEMENT_NAMES[type]
    throw new QueryRefusedError(name ? `this is a statement of type ${name}` : 'only SELECT statements run')
  }

  const called = await calledFunctions(connection, sql)
  const writer = called.find(name => WRITING_FUNCTIONS.has(name))
  if (writer) {
    prepared.destroySync()
    throw new QueryRefusedError(`${writer}() changes stored state`)
  }

  return prepared
}

/** Every function name in the statement, from DuckDB's own syntax tree of it. */
async function calledFunctions(connection: DuckDBConnection, sql: string): Promise<string[]> {
  const reader = await connection.runAndReadAll('SELECT json_serialize_sql($sql::VARCHAR) AS tree', {sql})
  const tree = JSON.parse(String(reader.getRowObjects()[0].tree)) as unknown
  const names: string[] = []
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) {
      for (const item of node) walk(item)
    } else if (node && typeof node === 'object') {
      const record = node as Record<string, unknown>
      if (typeof record.function_name === 'string') names.push(record.function_name.toLowerCase())
      for (const child of Object.values(record)) walk(child)
    }
  }

  walk(tree)
  return names
}
