import {Flags} from '@oclif/core'

import type {ForgetCounts, ForgetResult} from '../privacy/forget.js'

import {UsageError} from '../core/errors.js'
import {BaseCommand} from '../ui/base-command.js'
import {localTime} from '../ui/event-format.js'
import {prose} from '../ui/prose.js'
import {parseRange, TIME_FORMS, toMicros} from '../ui/time.js'

export default class Forget extends BaseCommand {
  static description = prose(`Delete a time range of recorded input for good.

Removes every event in [--since, --until) — and sessions that started and ended inside it — by
rewriting the database into a new file without them and swapping it in, so no byte of the removed
data is left in devtrace.duckdb or its write-ahead log. (DuckDB's own DELETE would leave the old
bytes in free blocks.) The ledger (devtrace audit) is kept and records what was forgotten.

Works while the daemon runs: capture keeps buffering during the rewrite and writes everything
afterwards. --until is never later than now. Asks first; without a terminal it needs --yes.`)
  static examples = [
    {command: '<%= config.bin %> forget --since 14:00 --until 15:30', description: 'Forget this afternoon\'s 90 minutes (asks first).'},
    {command: '<%= config.bin %> forget --since yesterday --until today --yes', description: 'Forget all of yesterday, without asking.'},
    {command: '<%= config.bin %> forget --since 2h --until now --yes --json', description: 'Forget the last two hours; print the result as JSON.'},
  ]
  static flags = {
    since: Flags.string({description: `Start of the range (inclusive): ${TIME_FORMS}.`, required: true}),
    until: Flags.string({description: 'End of the range (exclusive), same forms; `now` for up to now.', required: true}),
    yes: Flags.boolean({char: 'y', description: 'Do not ask for confirmation (needed without a terminal).'}),
  }

  async run(): Promise<ForgetResult | {forgotten: ForgetCounts; range_end: string; range_start: string}> {
    const {flags} = await this.parse(Forget)
    const now = new Date()
    const range = parseRange(flags.since, flags.until, now)
    const since = range.since!
    const until = new Date(Math.min(range.until!.getTime(), now.getTime()))
    if (since >= until) throw new UsageError(`--since (${since.toISOString()}) is not in the past; there is nothing to forget.`)
    const params = {sinceMicros: toMicros(since), untilMicros: toMicros(until)}

    const {forgetCountsQuery} = await import('../privacy/forget.js')
    const {openStore} = await import('../store/store.js')
    const store = await openStore(this.paths)
    let counts: ForgetCounts
    try {
      const {sql, params: queryParams} = forgetCountsQuery(params)
      let row: Array<null | number | string> = []
      for await (const batch of store.query(sql, queryParams)) row = (batch.rows[0] as typeof row | undefined) ?? row
      counts = {events: Number(row[0] ?? 0), sessions: Number(row[1] ?? 0)}
    } finally {
      store.close()
    }

    const between = `between ${localTime(since.toISOString())} and ${localTime(until.toISOString())}`
    if (counts.events === 0 && counts.sessions === 0) {
      if (!this.jsonEnabled()) this.log(`Nothing was recorded ${between}; nothing to forget.`)
      return {range_start: since.toISOString(), range_end: until.toISOString(), forgotten: counts}
    }

    const sessions = counts.sessions > 0 ? ` and ${counts.sessions} session${counts.sessions === 1 ? '' : 's'}` : ''
    if (!this.jsonEnabled()) this.log(`This removes ${counts.events} events${sessions} recorded ${between}, for good.`)
    const {requireConsent} = await import('../ui/consent.js')
    await requireConsent({yes: flags.yes, question: 'Forget them? This cannot be undone.', nothingDone: 'Nothing was forgotten.'})

    const {runOperation} = await import('../store/run-operation.js')
    const result = await runOperation(this.paths, 'forget', params)
    if (!this.jsonEnabled()) {
      const {formatBytes} = await import('../ui/format.js')
      const sizes = `${formatBytes(result.bytes_before)} → ${formatBytes(result.bytes_after)}`
      this.log(`Forgot ${result.forgotten.events} events${sessions} ${between}. The database was rewritten in ${result.seconds.toFixed(1)} s (${sizes}); ${result.events_kept} events remain.`)
    }

    return result
  }
}
