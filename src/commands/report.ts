import {Flags} from '@oclif/core'

import type {ReportResult} from '../report/report-run.js'

import {BaseCommand} from '../ui/base-command.js'
import {demoFlag} from '../ui/demo-flag.js'
import {parseRange, TIME_FORMS, toMicros} from '../ui/time.js'

export default class Report extends BaseCommand {
  static description = 'Write a self-contained HTML report of what your input data says about you.\n\n' + [
    'One file with inline charts:',
    'an activity heatmap (weekday × hour), the typing-cadence histogram, a per-day trend, where you click, a per-app table and every metric with its definition.',
    'It references nothing outside itself (no fonts, scripts or images from anywhere), so opening it makes no network request.',
    'An existing file is only replaced with --force.',
  ].join(' ')
  static examples = [
    {command: '<%= config.bin %> report --out report.html', description: 'Everything recorded so far.'},
    {command: '<%= config.bin %> report --out week.html --since 7d', description: 'The last week.'},
    {command: '<%= config.bin %> report --out report.html --force', description: 'Replace an existing file.'},
    {command: '<%= config.bin %> report --demo --out demo.html', description: 'The demo database (see `devtrace demo`).'},
  ]
  static flags = {
    out: Flags.string({char: 'o', description: 'The HTML file to write.', required: true}),
    since: Flags.string({description: `Events at or after this time: ${TIME_FORMS}.`}),
    until: Flags.string({description: 'Events before this time (same forms as --since).'}),
    force: Flags.boolean({description: 'Overwrite the file if it exists.'}),
    demo: demoFlag(),
  }

  async run(): Promise<ReportResult> {
    const {flags} = await this.parse(Report)
    const range = parseRange(flags.since, flags.until)
    const settings = this.loadSettings()
    const {reportRun} = await import('../report/report-run.js')
    return reportRun({
      paths: this.paths,
      out: flags.out,
      sinceMicros: range.since && toMicros(range.since),
      untilMicros: range.until && toMicros(range.until),
      idleSeconds: settings.idle_seconds,
      force: flags.force,
      demo: flags.demo,
    }, this.io)
  }
}
