import {existsSync, rmSync} from 'node:fs'

import type {StatePaths} from '../config/paths.js'
import type {ControlServer} from '../ipc/server.js'

import {stateFolderError} from '../config/write-problem.js'
import {closeDatabase, DatabaseLockedError, type OpenedDatabase} from '../store/open-database.js'

/**
 * What a daemon start has created so far, so a start that fails before it is ready takes it all
 * back: no daemon.pid (empty or not), no socket, no database file it created itself. Files
 * another daemon owns are never touched: until this process holds the database lock, nothing
 * here is ours.
 */
export class StartGuard {
  private databaseWasNew = false
  private opening = false
  private db?: OpenedDatabase
  private server?: ControlServer
  private ready = false

  constructor(private readonly paths: StatePaths) {}

  /** About to open the database; note whether this start creates the file. */
  opens(): void {
    this.opening = true
    this.databaseWasNew = !existsSync(this.paths.database)
  }

  /** The database is open and its lock is ours. */
  holds(db: OpenedDatabase): void {
    this.db = db
  }

  listening(server: ControlServer): void {
    this.server = server
  }

  /** Ready: from here on the daemon's own shutdown cleans up. */
  started(): void {
    this.ready = true
  }

  /** Undo a failed start, best effort: every step is tried, none throws. */
  async undo(error: unknown): Promise<void> {
    if (this.ready) return
    if (this.server) await this.server.close().catch(() => {})
    if (this.db) {
      remove(this.paths.pidFile)
      remove(this.paths.socket)
      try {
        closeDatabase(this.db)
      } catch {
        // Closing failed (a full disk refusing the last write): the file is removed below if new.
      }
    }

    // A file this start created and could not make into a database (disk full, read-only) is
    // empty or half-written; one another process holds was not ours to create.
    const ours = this.db !== undefined || (this.opening && !lockedByAnother(error))
    if (this.databaseWasNew && ours) {
      remove(this.paths.database)
      remove(`${this.paths.database}.wal`)
    }
  }
}

/** A start failure as the user should read it: disk, permission and file-in-the-way problems in one sentence. */
export function explainStartFailure(error: unknown, paths: StatePaths): unknown {
  return stateFolderError(error, paths.home) ?? error
}

function lockedByAnother(error: unknown): boolean {
  return error instanceof DatabaseLockedError || (error as Error | undefined)?.name === 'AlreadyRunningError'
}

function remove(file: string): void {
  if (process.platform === 'win32' && file.startsWith('\\\\.\\pipe\\')) return
  try {
    rmSync(file, {force: true})
  } catch {
    // Best effort: a read-only folder keeps what it has.
  }
}
