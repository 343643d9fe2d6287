import type {DuckDBConnection} from '@duckdb/node-api'

import {
  closeSync, existsSync, fsyncSync, openSync, readFileSync, rmSync, writeSync,
} from 'node:fs'

import type {CapturedEvent} from '../capture/event.js'

import {errorMessage} from '../core/errors.js'
import {EVENT_KINDS} from '../core/event-kind.js'
import {EventWriter} from './event-writer.js'
import {fsyncFolderOf} from './fsync.js'

/**
 * Where captured events go while the database is offline for a rewrite (forget, redact,
 * retention): the daemon cannot write the file then, and memory alone would lose them to a
 * crash. One JSON line per event with its session, appended and fsync'd at every flush, so the
 * promise "at most the last flush interval is lost" holds during a rewrite too.
 *
 * The spool is replayed into `events` when the file is back (the end of the rewrite) and at
 * every daemon start, before capture; it is removed only after its rows are committed. Replay is
 * idempotent: stamps strictly increase within a session (capture/clock.ts), so an event whose
 * session and timestamp are already in `events` was replayed before a crash and is skipped. A
 * last line cut short by a crash is ignored.
 */
export function spoolPath(database: string): string {
  return `${database}.spool`
}

interface SpoolRecord {
  session: number
  event: CapturedEvent
}

export class EventSpool {
  constructor(
    readonly file: string,
    private readonly sessionId: number,
  ) {}

  /** Append and fsync; throws (the caller keeps the events) when the disk refuses. */
  append(events: readonly CapturedEvent[]): void {
    if (events.length === 0) return
    const isNew = !existsSync(this.file)
    const text = events.map(event => JSON.stringify({session: this.sessionId, ...event})).join('\n') + '\n'
    const fd = openSync(this.file, 'a', 0o600)
    try {
      writeSync(fd, text)
      fsyncSync(fd)
    } finally {
      closeSync(fd)
    }

    // A new file's name must be durable too, or a crash could lose the whole spool.
    if (isNew) fsyncFolderOf(this.file)
  }
}

/** Read a spool: its well-formed records, and how many lines were not (a torn last line). */
export function readSpool(file: string): {records: SpoolRecord[]; skipped: number} {
  const records: SpoolRecord[] = []
  let skipped = 0
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    if (line === '') continue
    const record = parseRecord(line)
    if (record) records.push(record)
    else skipped++
  }

  return {records, skipped}
}

function parseRecord(line: string): SpoolRecord | undefined {
  let value: unknown
  try {
    value = JSON.parse(line)
  } catch {
    return undefined
  }

  if (typeof value !== 'object' || value === null) return undefined
  const {session, ...event} = value as CapturedEvent & {session: unknown}
  if (!Number.isInteger(session) || !Number.isInteger(event.tsMicros) || !EVENT_KINDS.includes(event.kind)) return undefined
  return {session: session as number, event}
}

export interface ReplayResult {
  /** Events written to `events` now. */
  written: number
  /** Events already there (a replay interrupted after its commit). */
  duplicates: number
  /** Lines that could not be read. */
  skipped: number
}

/** Write a leftover spool into `events`, then remove it. Undefined when there is none. */
export async function replaySpool(connection: DuckDBConnection, file: string): Promise<ReplayResult | undefined> {
  if (!existsSync(file)) return undefined
  const {records, skipped} = readSpool(file)
  const result: ReplayResult = {written: 0, duplicates: 0, skipped}
  const bySession = new Map<number, CapturedEvent[]>()
  for (const {session, event} of records) {
    const events = bySession.get(session)
    if (events) events.push(event)
    else bySession.set(session, [event])
  }

  for (const [session, events] of bySession) {
    const stored = await storedStamps(connection, session, events)
    const missing = events.filter(event => !stored(event.tsMicros))
    result.duplicates += events.length - missing.length
    if (missing.length === 0) continue
    const writer = await EventWriter.open(connection, session)
    writer.append(missing)
    writer.close() // commits
    result.written += missing.length
  }

  rmSync(file, {force: true})
  fsyncFolderOf(file)
  return result
}

/**
 * Whether each spooled event of this session is already stored, within the span of `events`: a
 * recent row keeps its exact µs stamp (events_live), a compacted one its stamp floored to the ms
 * (store/compaction.ts), so both are looked up — a spool kept after a partial replay may meet its
 * rows again after their day was compacted.
 */
async function storedStamps(connection: DuckDBConnection, session: number, events: CapturedEvent[]): Promise<(tsMicros: number) => boolean> {
  let first = Number.POSITIVE_INFINITY
  let last = Number.NEGATIVE_INFINITY
  for (const {tsMicros} of events) {
    first = Math.min(first, tsMicros)
    last = Math.max(last, tsMicros)
  }

  // event_rows tags each row's source in seq % 8; 0 is events_live.
  const reader = await connection.runAndReadAll(
    `SELECT epoch_us(ts) AS t, seq % 8 = 0 AS live FROM event_rows
     WHERE session_id = $session AND ts BETWEEN make_timestamp($first::BIGINT) AND make_timestamp($last::BIGINT)`,
    {session, first: BigInt(msFloor(first)), last: BigInt(last)},
  )
  const live = new Set<number>()
  const compacted = new Set<number>()
  for (const row of reader.getRowObjects()) (row.live ? live : compacted).add(Number(row.t))
  return tsMicros => live.has(tsMicros) || compacted.has(msFloor(tsMicros))
}

function msFloor(micros: number): number {
  return Math.floor(micros / 1000) * 1000
}

/**
 * Replay the spool beside `database`, if any, and say so in the log; returns the events written.
 * One that cannot be written in now (a full disk) is kept for the next attempt (the end of the
 * next rewrite, or the next start) rather than stopping capture.
 */
export async function replaySpoolLogged(connection: DuckDBConnection, database: string, log: (line: string) => void): Promise<number> {
  try {
    const replayed = await replaySpool(connection, spoolPath(database))
    if (replayed) log(`replayed ${replayed.written} events spooled during a rewrite (${replayed.duplicates} already stored, ${replayed.skipped} unreadable lines)`)
    return replayed?.written ?? 0
  } catch (error) {
    log(`spooled events not replayed yet (the spool is kept): ${errorMessage(error)}`)
    return 0
  }
}
