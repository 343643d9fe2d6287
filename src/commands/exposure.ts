import {Flags} from '@oclif/core'

import type {ExposureReport} from '../privacy/exposure-run.js'

import {DEFAULT_SEED} from '../privacy/reidentification.js'
import {BaseCommand} from '../ui/base-command.js'
import {colourFor} from '../ui/colour.js'
import {demoFlag} from '../ui/demo-flag.js'
import {prose} from '../ui/prose.js'
import {parseRange, TIME_FORMS, toMicros} from '../ui/time.js'

export default class Exposure extends BaseCommand {
  static description = prose(`What a recipient of your data could learn from it, for each redaction profile.

For none (the data as stored), keys, coarse and aggregate, devtrace reads the profile's own output
(what export --redact and upload would write) over your data and says which signals it lets a
recipient compute: text, key_identity, rhythm_fingerprint, hold_flight, app_timeline, working_hours,
mouse_path, click_positions. Nothing is looked up in a table: change a profile and the answer changes.

It also measures re-identification: enrolled on your first days, how often a standard keystroke
verifier (scaled Manhattan distance, Killourhy & Maxion 2009) picks your other days out of a crowd
of simulated typists, next to chance (1/N). The crowd is simulated from published population ranges
and seeded, so the same data gives the same answer. The README ("Exposure") explains it.
Works while the daemon runs; writes nothing.`)
  static examples = [
    {command: '<%= config.bin %> exposure', description: 'Every profile, over everything recorded.'},
    {command: '<%= config.bin %> exposure --since 30d', description: 'The last 30 days.'},
    {command: '<%= config.bin %> exposure --json | jq \'.exposure[] | {profile, rate: .reidentification.rate}\'', description: 'The re-identification rate per profile, for scripts.'},
    {command: '<%= config.bin %> exposure --demo', description: 'The demo database (see `devtrace demo`).'},
  ]
  static flags = {
    since: Flags.string({description: `Events at or after this time: ${TIME_FORMS}.`}),
    until: Flags.string({description: 'Events before this time (same forms as --since).'}),
    seed: Flags.integer({description: 'Seed of the simulated crowd (the same seed gives the same rates).', default: DEFAULT_SEED, min: 0}),
    demo: demoFlag(),
  }

  async run(): Promise<ExposureReport> {
    const {flags} = await this.parse(Exposure)
    const range = parseRange(flags.since, flags.until)
    const settings = this.loadSettings()
    const {exposureRun} = await import('../privacy/exposure-run.js')
    const report = await exposureRun({
      paths: this.paths,
      demo: flags.demo,
      sinceMicros: range.since && toMicros(range.since),
      untilMicros: range.until && toMicros(range.until),
      idleSeconds: settings.idle_seconds,
      seed: flags.seed,
    }, this.io)
    if (!this.jsonEnabled()) {
      const {renderExposure} = await import('../ui/exposure-view.js')
      process.stdout.write(renderExposure(report, colourFor()))
    }

    return report
  }
}
