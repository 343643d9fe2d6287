import {Args, Flags} from '@oclif/core'

import {BaseCommand} from '../ui/base-command.js'
import {demoFlag} from '../ui/demo-flag.js'
import {prose} from '../ui/prose.js'

export default class Query extends BaseCommand {
  static description = prose(`Run read-only SQL over your devtrace database (DuckDB dialect).

Works the same whether the daemon is running (the query goes through it) or stopped (the file
is opened read-only). Only SELECT statements run: anything that would write, attach, copy to a
file, install or load is refused with exit 1, decided by DuckDB's own parser. Functions are
allowed, not denied: DuckDB's built-ins without side effects and a reviewed list of table
functions (range, unnest, json_each, duckdb_*() and pragma_*() metadata …); anything else
(checkpoint(), enable_logging(), read_csv(), FROM 'file.csv' …) is refused by name.
Main tables: events, sessions, windows, audit_log (SHOW TABLES lists them all).

A query is stopped after --timeout (default 5 minutes; 0 = no limit), when you press Ctrl-C or
the reader of its output goes away (\`| head\`), and when it needs more memory than the daemon
gives one query; capture goes on either way. The table view prints rows as they arrive and
shows the first 10,000; --csv and --json print them all.`)
  static examples = [
    {command: '<%= config.bin %> query "SELECT kind, count(*) FROM events GROUP BY kind"', description: 'Count events by kind.'},
    {command: '<%= config.bin %> query "SELECT * FROM events WHERE ts > now() - INTERVAL 1 HOUR" --csv > hour.csv', description: 'The last hour as CSV.'},
    {command: '<%= config.bin %> query "DESCRIBE events" --json', description: 'The columns, as a JSON array of row objects.'},
    {command: '<%= config.bin %> query "SELECT * FROM events" --csv --timeout 30m > all.csv', description: 'Everything, allowing half an hour.'},
    {command: '<%= config.bin %> query --demo "SELECT app, count(*) FROM events GROUP BY app"', description: 'Events per app in the demo database (see `devtrace demo`).'},
  ]
  static args = {
    sql: Args.string({description: 'one SELECT statement', required: true}),
  }
  static flags = {
    csv: Flags.boolean({description: 'Print CSV with a header row.', exclusive: ['json']}),
    timeout: Flags.string({description: 'Stop the query after this long: seconds (30) or a duration (30s, 2m, 1h); 0 = no limit.', default: '5m', helpValue: 'DURATION'}),
    demo: demoFlag(),
  }

  async run(): Promise<void> {
    const {args, flags} = await this.parse(Query)
    const {queryRun} = await import('../read/query-run.js')
    await queryRun({
      paths: this.paths, sql: args.sql, csv: flags.csv, timeout: flags.timeout, demo: flags.demo,
    }, this.io)
  }
}
