import {Flags} from '@oclif/core'

import {DEFAULT_REDACT_PROFILE, PROFILE_CHOICES} from '../privacy/profiles.js'
import {EXPORT_FORMATS, type ExportResult} from '../transfer/export.js'
import {BaseCommand} from '../ui/base-command.js'
import {demoFlag} from '../ui/demo-flag.js'
import {withDefaultValue} from '../ui/optional-value.js'
import {prose} from '../ui/prose.js'
import {TIME_FORMS} from '../ui/time.js'

export default class Export extends BaseCommand {
  static description = prose(`Write your recorded events (or a redacted form of them) to a file.

DuckDB writes the file itself: Parquet, CSV (with a header), JSON (one array) or NDJSON (one object
a line); the format comes from the file name unless --format says otherwise. Times are UTC. Without
--redact the data is exported as stored (key codes included if you record at --level full); --redact
alone means --redact coarse.

Profiles:
- keys: every column except key_code.
- coarse: no key codes or window titles; app names hashed (salted per database); positions snapped to a 100 px grid
  (evdev sessions' positions, integrated device units, removed); times rounded to 100 ms.
- aggregate: one row per minute with counts and totals; no per-event rows at all.

An existing file is never overwritten without --force. Works while the daemon runs. Every export is
entered in the ledger (devtrace audit) with its rows, bytes and sha256.`)
  static examples = [
    {command: '<%= config.bin %> export --out events.parquet', description: 'Everything, as stored, to Parquet.'},
    {command: '<%= config.bin %> export --out today.csv --since today --redact', description: 'Today, coarse-redacted, as CSV.'},
    {command: '<%= config.bin %> export --out minutes.json --redact aggregate', description: 'Per-minute totals only, as a JSON array.'},
    {command: '<%= config.bin %> export --out week.data --format ndjson --since 7d --redact keys --force', description: 'The last week without key codes, as NDJSON, replacing week.data.'},
    {command: '<%= config.bin %> export --demo --out demo.csv --redact', description: 'The demo database (see `devtrace demo`), coarse-redacted.'},
  ]
  static flags = {
    out: Flags.string({char: 'o', description: 'The file to write.', required: true}),
    format: Flags.string({description: 'File format (default: from the --out extension: .parquet, .csv, .json, .ndjson or .jsonl).', options: [...EXPORT_FORMATS]}),
    redact: Flags.string({
      description: `Redact with this profile: ${PROFILE_CHOICES.join(', ')}; --redact alone means ${DEFAULT_REDACT_PROFILE}. Default: none (as stored).`,
      helpValue: '[PROFILE]',
      options: [...PROFILE_CHOICES],
    }),
    since: Flags.string({description: `Events at or after this time: ${TIME_FORMS}.`}),
    until: Flags.string({description: 'Events before this time (same forms as --since).'}),
    force: Flags.boolean({description: 'Overwrite --out if it exists.'}),
    demo: demoFlag(),
  }

  async run(): Promise<ExportResult> {
    const {flags} = await this.parse(Export, withDefaultValue(this.argv, '--redact', DEFAULT_REDACT_PROFILE))
    const {exportRun} = await import('../transfer/export-run.js')
    return exportRun({
      paths: this.paths,
      out: flags.out,
      format: flags.format,
      redact: flags.redact,
      since: flags.since,
      until: flags.until,
      force: flags.force,
      demo: flags.demo,
      idleSeconds: () => this.loadSettings().idle_seconds,
    }, this.io)
  }
}
