import {
  existsSync, readFileSync, renameSync, statSync, writeFileSync,
} from 'node:fs'
import path from 'node:path'

/**
 * The event count of a database nobody has open, kept next to it so that `devtrace status` with
 * the daemon stopped need not load DuckDB (~100 ms, BENCHMARKS.md, startup) to say it.
 *
 * The count is tied to the file it was taken from by size and modification time (to the
 * nanosecond's worth `statSync` reports): any later write — a new daemon run, `forget`,
 * `redact`, a migration — changes them, and a write-ahead log beside the file means changes
 * not yet in it; either way the note is ignored and the database is counted again.
 */
interface TotalsNote {
  events_total: number
  database_bytes: number
  mtime_ms: number
}

/** Beside the database, under a name that is not the database's plus a suffix (those are DuckDB's own files). */
export function stoppedTotalsFile(database: string): string {
  return path.join(path.dirname(database), 'stopped-totals.json')
}

/** The counted total, if the note describes the file as it is now; undefined otherwise. */
export function readStoppedTotals(database: string): number | undefined {
  try {
    if (existsSync(`${database}.wal`)) return undefined
    const note = JSON.parse(readFileSync(stoppedTotalsFile(database), 'utf8')) as Partial<TotalsNote>
    const now = statSync(database)
    const matches = note.database_bytes === now.size && note.mtime_ms === now.mtimeMs
    return matches && Number.isSafeInteger(note.events_total) && note.events_total! >= 0 ? note.events_total : undefined
  } catch {
    return undefined // no note, or not one we wrote: count
  }
}

/**
 * Note the total for the file as it is now (after the daemon closed it, or after `status`
 * counted it). Best effort: a read-only or full disk only means the next status counts again.
 */
export function writeStoppedTotals(database: string, eventsTotal: number): void {
  try {
    const now = statSync(database)
    const note: TotalsNote = {events_total: eventsTotal, database_bytes: now.size, mtime_ms: now.mtimeMs}
    const file = stoppedTotalsFile(database)
    // Written whole and renamed, so a reader never sees half a note.
    writeFileSync(`${file}.tmp`, JSON.stringify(note) + '\n', {mode: 0o600})
    renameSync(`${file}.tmp`, file)
  } catch {
    // Only a shortcut is lost.
  }
}
