import type {DuckDBConnection, DuckDBInstance} from '@duckdb/node-api'

import {existsSync, renameSync} from 'node:fs'
import {createRequire} from 'node:module'

import {writeProblem} from '../config/write-problem.js'
import {DevtraceError, errorMessage} from '../core/errors.js'
import {commandDatabaseSettings} from './command-memory.js'

export interface OpenedDatabase {
  instance: DuckDBInstance
  connection: DuckDBConnection
  /** Set when a write-ahead log could not be replayed and was moved aside to open the file. */
  walMovedTo?: string
}

export class DatabaseLockedError extends DevtraceError {
  constructor(file: string, holder: string) {
    super(`${file} is locked by another program${holder}.`, {
      suggestion: 'Close the program that has it open (a duckdb shell, say), or stop the other devtrace daemon.',
    })
    this.name = 'DatabaseLockedError'
  }
}

function lockHolder(message: string): string {
  const pid = /PID (\d+)/.exec(message)
  return pid ? ` (pid ${pid[1]})` : ''
}

/**
 * Open the database file. The native module is imported here, not at the top of a command,
 * so `--help` and `status` stay fast. A WAL that cannot be replayed is moved aside (and the
 * caller reports it) rather than failing every start after a crash.
 * `settings` are DuckDB's; without them the file opens under commandDatabaseSettings(), the memory
 * bounds every command shares (the daemon passes its own).
 */
export async function openDatabase(file: string, options: {readOnly?: boolean; settings?: Record<string, string>} = {}): Promise<OpenedDatabase> {
  // require() rather than import(): the package is CommonJS, and importing it from ESM makes Node
  // lex its modules for named exports first, about 40 % of its load time (which every command
  // that opens the file pays).
  const {DuckDBInstance} = createRequire(import.meta.url)('@duckdb/node-api') as typeof import('@duckdb/node-api')
  // devtrace never downloads or loads extensions: what it needs (json, parquet, icu) is built in,
  // and an autoloaded httpfs would let a query open network connections.
  const config: Record<string, string> = {...(options.settings ?? commandDatabaseSettings()), autoinstall_known_extensions: 'false', autoload_known_extensions: 'false'}
  if (options.readOnly) config.access_mode = 'READ_ONLY'

  const attempt = async (): Promise<OpenedDatabase> => {
    const instance = await DuckDBInstance.create(file, config)
    const connection = await instance.connect()
    return {instance, connection}
  }

  try {
    return await attempt()
  } catch (error) {
    const message = errorMessage(error)
    if (/Could not set lock|Conflicting lock/i.test(message)) throw new DatabaseLockedError(file, lockHolder(message))
    const wal = `${file}.wal`
    if (!options.readOnly && /replay|WAL|write-ahead/i.test(message) && existsSync(wal)) {
      const aside = `${wal}.corrupt-${Date.now()}`
      renameSync(wal, aside)
      const opened = await attempt()
      return {...opened, walMovedTo: aside}
    }

    const problem = writeProblem(error)
    if (problem) {
      throw new DevtraceError(`Could not open ${file}: ${problem}.`, {
        cause: error, suggestion: 'Make its folder writable or free some space, or point DEVTRACE_HOME at another folder.',
      })
    }

    throw new DevtraceError(`Could not open ${file}: ${firstLine(message)}`, {cause: error})
  }
}

export function firstLine(text: string): string {
  return text.split('\n')[0].trim()
}

/** Close a connection and its instance, releasing the file lock. */
export function closeDatabase(db: OpenedDatabase): void {
  db.connection.closeSync()
  db.instance.closeSync()
}
