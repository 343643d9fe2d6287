import {Flags} from '@oclif/core'

import type {Summary} from '../analysis/summary.js'

import {BaseCommand} from '../ui/base-command.js'
import {colourFor} from '../ui/colour.js'
import {demoFlag} from '../ui/demo-flag.js'
import {parseRange, TIME_FORMS, toMicros} from '../ui/time.js'

export default class Summarize extends BaseCommand {
  static description = 'What your input data says about you, with small charts.\n\n' + [
    'Active time, keys, typing rhythm (inter-key intervals, hold and flight times, key pairs, rhythm by hour), typing bursts, hesitations, corrections, clicks, mouse distance and scrolling:',
    'the numbers workplace monitoring and AI-training programs compute from this kind of telemetry.',
    'Every metric is defined in the README ("Metrics"); gaps of idle_seconds (a setting, default 180) or more are idle.',
    'Hours and days are local.',
    'Works while the daemon runs.',
  ].join(' ')
  static examples = [
    {command: '<%= config.bin %> summarize', description: 'Everything recorded so far.'},
    {command: '<%= config.bin %> summarize --since 7d --by day', description: 'The last week, one row per day.'},
    {command: '<%= config.bin %> summarize --since today --by app', description: 'Today, per app.'},
    {command: '<%= config.bin %> summarize --json | jq .workflow', description: 'App switches, focus sessions, interruptions, resume time and shortcuts.'},
    {command: '<%= config.bin %> summarize --json | jq .totals.inter_key_ms', description: 'For scripts: SPEC names under totals (and groups with --by).'},
    {command: '<%= config.bin %> summarize --by-key --json | jq \'.digraphs_by_key[:10]\'', description: 'The ten most frequent key pairs (recorded at level full only).'},
    {command: '<%= config.bin %> summarize --demo', description: 'The demo database (see `devtrace demo`).'},
  ]
  static flags = {
    since: Flags.string({description: `Events at or after this time: ${TIME_FORMS}.`}),
    until: Flags.string({description: 'Events before this time (same forms as --since).'}),
    by: Flags.string({description: 'One entry per day, hour of the day (00–23) or app.', options: ['day', 'hour', 'app']}),
    'by-key': Flags.boolean({description: 'Also list key pairs (digraphs) by key, from events that store key codes (level full).'}),
    demo: demoFlag(),
    raw: Flags.boolean({description: 'Compute from raw events only, ignoring the rollup (for benchmarks).', hidden: true}),
  }

  async run(): Promise<Summary> {
    const {flags} = await this.parse(Summarize)
    const range = parseRange(flags.since, flags.until)
    const settings = this.loadSettings()
    const {summarizeRun} = await import('../analysis/summarize-run.js')
    const {rollupProgressListener} = await import('../ui/progress.js')
    const summary = await summarizeRun({
      onBuild: this.jsonEnabled() ? undefined : rollupProgressListener(process.stderr),
      paths: this.paths,
      demo: flags.demo,
      raw: flags.raw,
      sinceMicros: range.since && toMicros(range.since),
      untilMicros: range.until && toMicros(range.until),
      idleSeconds: settings.idle_seconds,
      by: flags.by as 'app' | 'day' | 'hour' | undefined,
      byKey: flags['by-key'],
    })
    if (!this.jsonEnabled()) {
      const {renderSummary} = await import('../ui/summary-view.js')
      process.stdout.write(renderSummary(summary, colourFor()))
    }

    return summary
  }
}
