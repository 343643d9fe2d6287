import type {StatePaths} from '../config/paths.js'
import type {Io} from '../core/io.js'
import type {ForgetCounts, ForgetResult} from './forget.js'

import {UsageError} from '../core/errors.js'
import {runOperation} from '../run-operation.js'
import {openStore} from '../store/store.js'
import {requireConsent} from '../ui/consent.js'
import {betweenText, forgetDoneText, sessionsText} from '../ui/privacy-view.js'
import {parseRange, toMicros} from '../ui/time.js'
import {forgetCountsQuery} from './forget.js'

export interface ForgetOptions {
  paths: StatePaths
  /** --since / --until as typed. */
  since: string
  until: string
  yes: boolean
  /** The present, for clamping --until (tests pin it). */
  now?: Date
}

export type ForgetOutput = ForgetResult | {forgotten: ForgetCounts; range_end: string; range_start: string}

/**
 * `devtrace forget`: count what the range holds, say it, ask, and rewrite the database without it
 * (through the daemon when it runs). --until is never later than now, so input captured while
 * the rewrite runs is never removed.
 */
export async function forgetRun(options: ForgetOptions, io: Io): Promise<ForgetOutput> {
  const now = options.now ?? new Date()
  const range = parseRange(options.since, options.until, now)
  const since = range.since!
  const until = new Date(Math.min(range.until!.getTime(), now.getTime()))
  if (since >= until) throw new UsageError(`--since (${since.toISOString()}) is not in the past; there is nothing to forget.`)
  const params = {sinceMicros: toMicros(since), untilMicros: toMicros(until)}

  const counts = await countInRange(options.paths, params)
  const between = betweenText(since, until)
  if (counts.events === 0 && counts.sessions === 0) {
    if (!io.json) io.log(`Nothing was recorded ${between}; nothing to forget.`)
    return {range_start: since.toISOString(), range_end: until.toISOString(), forgotten: counts}
  }

  if (!io.json) io.log(`This removes ${counts.events} events${sessionsText(counts.sessions)} recorded ${between}, for good.`)
  await requireConsent(io, {yes: options.yes, question: 'Forget them? This cannot be undone.', nothingDone: 'Nothing was forgotten.'})

  const result = await runOperation(options.paths, 'forget', params)
  if (!io.json) io.log(forgetDoneText(result, between))
  return result
}

async function countInRange(paths: StatePaths, range: {sinceMicros: number; untilMicros: number}): Promise<ForgetCounts> {
  const store = await openStore(paths)
  try {
    const {sql, params} = forgetCountsQuery(range)
    let row: Array<null | number | string> = []
    for await (const batch of store.query(sql, params)) row = (batch.rows[0] as typeof row | undefined) ?? row
    return {events: Number(row[0] ?? 0), sessions: Number(row[1] ?? 0)}
  } finally {
    store.close()
  }
}
