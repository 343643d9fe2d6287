import {Flags} from '@oclif/core'

import type {ForgetOutput} from '../privacy/forget-run.js'

import {BaseCommand} from '../ui/base-command.js'
import {prose} from '../ui/prose.js'
import {TIME_FORMS} from '../ui/time.js'

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

  async run(): Promise<ForgetOutput> {
    const {flags} = await this.parse(Forget)
    const {forgetRun} = await import('../privacy/forget-run.js')
    return forgetRun({
      paths: this.paths, since: flags.since, until: flags.until, yes: flags.yes,
    }, this.io)
  }
}
