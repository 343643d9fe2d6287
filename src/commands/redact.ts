import {Flags} from '@oclif/core'

import type {RedactOutput} from '../privacy/redact-run.js'

import {IN_PLACE_PROFILES} from '../privacy/profiles.js'
import {BaseCommand} from '../ui/base-command.js'
import {prose} from '../ui/prose.js'
import {TIME_FORMS} from '../ui/time.js'

export default class Redact extends BaseCommand {
  static description = prose(`Redact stored events in place with a profile.

- keys: key codes are removed (set to NULL).
- coarse: key codes removed, times rounded to 100 ms, positions snapped to a 100 px grid (evdev sessions' positions removed),
  app names replaced by a salted hash (the values export --redact coarse gives), window titles removed.
Not aggregate: it keeps no per-event rows, so in place it would delete every event in the range. To delete a range use
devtrace forget; for per-minute totals, devtrace export --redact aggregate.

Shows what will change first and asks; without a terminal it needs --yes. The database is rewritten
into a new file and swapped in, so the original values are not left behind in free blocks or the
write-ahead log. Without --since/--until: everything recorded up to now. Works while the daemon
runs. Recorded in the ledger (devtrace audit).`)
  static examples = [
    {command: '<%= config.bin %> redact --profile keys', description: 'Drop every stored key code (asks first).'},
    {command: '<%= config.bin %> redact --profile coarse --since yesterday --until today --dry-run', description: 'Show what coarse would change for yesterday; change nothing.'},
    {command: '<%= config.bin %> redact --profile keys --yes --json', description: 'Without asking; the result as JSON.'},
  ]
  static flags = {
    profile: Flags.string({
      char: 'p', description: 'The redaction profile to apply.', options: [...IN_PLACE_PROFILES], required: true,
    }),
    since: Flags.string({description: `Only events at or after this time: ${TIME_FORMS}.`}),
    until: Flags.string({description: 'Only events before this time (same forms as --since).'}),
    'dry-run': Flags.boolean({description: 'Show what would change and change nothing.'}),
    yes: Flags.boolean({char: 'y', description: 'Do not ask for confirmation (needed without a terminal).'}),
  }

  async run(): Promise<RedactOutput> {
    const {flags} = await this.parse(Redact)
    const {redactRun} = await import('../privacy/redact-run.js')
    return redactRun({
      paths: this.paths, profile: flags.profile, since: flags.since, until: flags.until, dryRun: flags['dry-run'], yes: flags.yes,
    }, this.io)
  }
}
