import {existsSync, statSync} from 'node:fs'

import type {StatePaths} from '../config/paths.js'
import type {DaemonPresence} from '../store/backend.js'

import {DevtraceError, errorMessage} from '../core/errors.js'
import {within} from '../core/within.js'
import {openBackend} from '../store/backend.js'
import {SCHEMA_VERSION} from '../store/schema.js'
import {formatBytes} from '../ui/format.js'
import {
  type Check, fail, ok, shellQuote, warn,
} from './check.js'

/** A read of two numbers; on a healthy machine it takes milliseconds. */
export const DATABASE_TIMEOUT_MS = 15_000
const DAY_MS = 86_400_000

/** What the database says about itself. */
interface Facts {
  version: number
  /** The oldest event, ms since the epoch; null when there are none. */
  oldestMs: null | number
  /** Running daemon only: where it moved a WAL it could not replay, and its last write error. */
  walMovedTo?: null | string
  lastWriteError?: null | string
  pid?: number
}

const FACTS_SQL = `SELECT (SELECT coalesce(max(version), 0)::INTEGER FROM schema_version) AS version,
  (SELECT epoch_ms(min(ts))::DOUBLE FROM events) AS oldest_ms`

/**
 * The database, its write-ahead log and retention, through the store's one seam (openBackend):
 * while the daemon runs it holds the file, so it is asked over the socket and the file is never
 * opened here; when it is stopped the file is opened read-only, which replays the WAL in memory
 * without changing a byte, so "the database opens" also proves the WAL replays.
 */
export async function checkDatabase(
  paths: StatePaths,
  presence: DaemonPresence,
  retentionDays: number,
  {now = Date.now(), timeoutMs = DATABASE_TIMEOUT_MS}: {now?: number; timeoutMs?: number} = {},
): Promise<Check[]> {
  if (presence.state === 'silent') {
    const detail = 'Not checked: something holds the daemon\'s socket without answering (see daemon), and the file may be in use.'
    return [warn('database', detail), warn('wal', detail), warn('retention', detail)]
  }

  const running = presence.state === 'answering'
  const wal = `${paths.database}.wal`
  const walBytes = running ? undefined : sizeOf(wal)
  if (!running && !existsSync(paths.database)) {
    return [
      ok('database', `No database yet (${paths.database}): nothing has been captured here.`),
      walBytes === undefined ? ok('wal', 'No write-ahead log.') : warn('wal', `${wal} exists without its database.`, `Remove it: rm ${shellQuote(wal)}`),
      ok('retention', retentionSetting(retentionDays)),
    ]
  }

  const outcome = await within(timeoutMs, readFacts(paths).then(facts => ({facts}), (error: unknown) => ({error})), () => ({
    error: new DevtraceError(`The database did not answer within ${timeoutMs / 1000} s.`),
  }))
  if ('error' in outcome) return unreadable(paths, outcome.error, walBytes)
  const {facts} = outcome
  return [databaseCheck(paths, facts), walCheck(wal, walBytes, facts), retentionCheck(retentionDays, facts, now, running)]
}

async function readFacts(paths: StatePaths): Promise<Facts> {
  const backend = await openBackend(paths)
  try {
    let row: unknown[] | undefined
    for await (const batch of backend.query(FACTS_SQL, undefined, {timeoutMs: DATABASE_TIMEOUT_MS})) row ??= batch.rows[0]
    const [version, oldest] = row ?? []
    const status = await backend.status()
    return {
      version: Number(version), oldestMs: oldest === null || oldest === undefined ? null : Number(oldest),
      ...(status ? {walMovedTo: status.wal_moved_to, lastWriteError: status.last_write_error, pid: status.pid} : {}),
    }
  } finally {
    backend.close()
  }
}

function databaseCheck(paths: StatePaths, facts: Facts): Check {
  const where = facts.pid ? `read through the running daemon (pid ${facts.pid}), which holds ${paths.database}` : `${paths.database} opens (read-only)`
  const version = `schema version ${facts.version}${facts.version < SCHEMA_VERSION ? ` (this devtrace migrates it to ${SCHEMA_VERSION} at the next start)` : ''}`
  if (facts.lastWriteError) {
    const fix = 'Free space or make the folder writable: the daemon keeps events in memory and writes them once it can (`devtrace status`).'
    return warn('database', `${capitalise(where)}; ${version}; but its last write failed: ${facts.lastWriteError}`, fix)
  }

  return ok('database', `${capitalise(where)}; ${version}.`)
}

function walCheck(wal: string, walBytes: number | undefined, facts: Facts): Check {
  if (facts.walMovedTo) {
    const detail = `At its start the daemon could not replay the write-ahead log and moved it aside to ${facts.walMovedTo}: the events in it are not in the database.`
    return warn('wal', detail, `Keep it to try a recovery with the duckdb shell, or remove it: rm ${shellQuote(facts.walMovedTo)}`)
  }

  if (facts.pid) return ok('wal', 'Held by the running daemon, which replayed it when it started.')
  if (walBytes === undefined) return ok('wal', 'No write-ahead log: everything is in the database file.')
  return ok('wal', `${wal} (${formatBytes(walBytes)}) is present and replays: the daemon folds it into the database at its next start.`)
}

function retentionCheck(retentionDays: number, facts: Facts, now: number, running: boolean): Check {
  const setting = retentionSetting(retentionDays)
  if (retentionDays === 0 || facts.oldestMs === null) return ok('retention', `${setting}${facts.oldestMs === null ? ' No events are stored yet.' : ''}`)
  const ageDays = Math.floor((now - facts.oldestMs) / DAY_MS)
  const oldest = `the oldest event is from ${new Date(facts.oldestMs).toISOString().slice(0, 10)} (${ageDays} day${ageDays === 1 ? '' : 's'} ago)`
  // The daemon forgets shortly after it starts and then daily: a day over the setting is normal.
  if (ageDays <= retentionDays + 1) return ok('retention', `${setting} ${capitalise(oldest)}.`)
  const fix = running
    ? 'Retention runs in the daemon daily; look for a retention error in logs/daemon.log, or forget by hand with `devtrace forget`.'
    : 'Retention runs in the daemon: `devtrace start` forgets what is older shortly after it starts.'
  return warn('retention', `${setting} But ${oldest}: older than the setting.`, fix)
}

function retentionSetting(days: number): string {
  return days === 0 ? 'retention_days is 0: everything is kept.' : `retention_days is ${days}: older events are forgotten.`
}

function unreadable(paths: StatePaths, error: unknown, walBytes: number | undefined): Check[] {
  const message = errorMessage(error)
  const suggestion = error instanceof DevtraceError ? error.suggestion : undefined
  const notChecked = warn('retention', 'Not checked: the database could not be read.')
  if (walBytes !== undefined && /WAL|write-ahead/i.test(message)) {
    const moveAside = '`devtrace start` moves it aside (to .wal.corrupt-…) and opens the database without the events it held, the last moments before a crash.'
    return [
      fail('database', `${paths.database} does not open: its write-ahead log cannot be replayed (see wal).`, 'Run `devtrace start`: it moves the log aside and opens the database without it.'),
      fail('wal', `${paths.database}.wal cannot be replayed: ${message}`, moveAside),
      notChecked,
    ]
  }

  return [fail('database', message, suggestion), ok('wal', walBytes === undefined ? 'No write-ahead log.' : 'Not checked: the database could not be opened.'), notChecked]
}

function sizeOf(file: string): number | undefined {
  try {
    return statSync(file).size
  } catch {
    return undefined
  }
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1)
}
