import type {CapturedEvent} from '../capture/event.js'

import {MouseSampler} from '../capture/mouse-sampler.js'
import {normalise} from '../capture/normalise.js'
import {syntheticInputs, type SyntheticOptions} from './synthetic.js'

/**
 * The synthetic stream as stored rows: what the daemon would write at the `standard` level with
 * the default mouse sampling (100 moves a second), with the app that had focus.
 */
export function * syntheticEvents(options: SyntheticOptions & {mouseHz?: number} = {}): Generator<CapturedEvent> {
  const sampler = new MouseSampler<CapturedEvent>(options.mouseHz ?? 100)
  for (const input of syntheticInputs(options)) {
    const event = normalise(input.raw, 'standard', input.tsMicros, input.app)
    if (!event) continue
    if (event.kind === 'mouse_move') {
      yield * sampler.offerMove(event, input.tsMicros / 1000)
      continue
    }

    const held = sampler.takePending()
    if (held) yield held
    yield event
  }

  const held = sampler.takePending()
  if (held) yield held
}

export interface DemoResult {
  file: string
  events: number
  sinceMicros: number
  untilMicros: number
}

const DAY_MICROS = 86_400_000_000
/** Rows per Appender commit: each batch goes to disk rather than piling up in one transaction's memory. */
const BATCH_EVENTS = 50_000
/** DuckDB's memory for the demo database, while it is built and while its summary and report read it. */
export const DEMO_MEMORY_LIMIT = '256MiB'

/** Where a demo build is: `days_done` of `days` written, then the rollup (its own progress). */
type DemoDays = {days: number; days_done: number; events: number; step: 'events'}
type DemoRollup = {events_done: number; events_total: number; percent: number; step: 'rollup'}
export type DemoProgress = DemoDays | DemoRollup | {step: 'report'}

/**
 * Create (or recreate) a demo database at `file`: `days` days of synthetic input ending at the
 * end of the last weekday before today (UTC; the synthetic desk rests at weekends, so even one day
 * has input), one session row, and the metrics rollup. Never touches any other file.
 */
export async function writeDemoDatabase(
  file: string,
  options: {days: number; nowMicros?: number; onProgress?: (progress: DemoProgress) => void; seed?: number},
): Promise<DemoResult> {
  const {
    chmodSync, existsSync, mkdirSync, rmSync,
  } = await import('node:fs')
  const path = await import('node:path')
  const {closeDatabase, openDatabase} = await import('../store/open-database.js')
  const {migrate} = await import('../store/schema.js')
  const {EventWriter} = await import('../store/event-writer.js')
  const {refreshRollup} = await import('../analysis/rollup.js')
  const {onRollupProgress} = await import('../analysis/rollup-progress.js')
  const report = options.onProgress ?? (() => {})

  mkdirSync(path.dirname(file), {recursive: true, mode: 0o700})
  for (const leftover of [file, `${file}.wal`]) if (existsSync(leftover)) rmSync(leftover)
  const nowMicros = options.nowMicros ?? Date.now() * 1000
  let untilMicros = Math.floor(nowMicros / DAY_MICROS) * DAY_MICROS
  while ([0, 6].includes(new Date((untilMicros - DAY_MICROS) / 1000).getUTCDay())) untilMicros -= DAY_MICROS
  const sinceMicros = untilMicros - options.days * DAY_MICROS
  // The build's biggest queries (a week of events through the rollup's window functions) spill to
  // disk past this rather than growing the process: `demo --days 30` stays within a few hundred MB.
  const db = await openDatabase(file, {settings: {memory_limit: DEMO_MEMORY_LIMIT}})
  if (process.platform !== 'win32') chmodSync(file, 0o600)
  try {
    await migrate(db.connection, file)
    const session = await db.connection.runAndReadAll(
      `INSERT INTO sessions (started_at, ended_at, level, host, platform, version)
       VALUES (make_timestamp($since::BIGINT), make_timestamp($until::BIGINT), 'standard', 'demo', 'synthetic', 'demo') RETURNING id`,
      {since: sinceMicros, until: untilMicros},
    )
    const sessionId = Number(session.getRowObjects()[0].id)
    const writer = await EventWriter.open(db.connection, sessionId)
    let batch: CapturedEvent[] = []
    let events = 0
    const write = (): void => {
      writer.append(batch)
      writer.flush()
      events += batch.length
      const last = batch.at(-1)
      if (last) report({
        days: options.days, days_done: Math.floor((last.tsMicros - sinceMicros) / DAY_MICROS), events, step: 'events',
      })
      batch = []
    }

    for (const event of syntheticEvents({seed: options.seed ?? 1, startMicros: sinceMicros, durationMs: options.days * 86_400_000})) {
      batch.push(event)
      if (batch.length === BATCH_EVENTS) write()
    }

    write()
    writer.close()
    // Stored as a daemon leaves past days (src/store/compaction.ts), before the rollup, so the
    // rollup reuses the blocks the live rows freed (at the checkpoint) instead of growing the file.
    const {compactBefore} = await import('../store/compaction.js')
    await compactBefore(db.connection, untilMicros)
    await db.connection.run('CHECKPOINT')
    const unsubscribe = onRollupProgress(progress => progress && report({...progress, step: 'rollup'}))
    try {
      await refreshRollup(db.connection, {nowMicros})
    } finally {
      unsubscribe()
    }

    await db.connection.run('CHECKPOINT')
    return {
      file, events, sinceMicros, untilMicros,
    }
  } finally {
    closeDatabase(db)
  }
}
