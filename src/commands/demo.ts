import {Flags} from '@oclif/core'

import type {DemoOutput} from '../demo/demo-run.js'

import {BaseCommand} from '../ui/base-command.js'
import {colourFor} from '../ui/colour.js'

export default class Demo extends BaseCommand {
  static description = 'Try devtrace without recording anything.\n\n' + [
    'Fills a separate demo database (demo/demo.duckdb in the devtrace folder, recreated on every run; your own database is never touched) with a realistic synthetic stretch of input:',
    'typing bursts, pauses, mouse paths, clicks, scrolling, several apps, workdays with nights and lunch.',
    'Then prints its summary and writes its HTML report (demo/report.html).',
    'Needs no display.',
  ].join(' ')
  static examples = [
    {command: '<%= config.bin %> demo', description: 'A week of synthetic input, its summary and report.'},
    {command: '<%= config.bin %> demo --days 30', description: 'A month of it.'},
    {command: '<%= config.bin %> summarize --demo --by app', description: 'Explore the demo data afterwards.'},
  ]
  static flags = {
    days: Flags.integer({
      description: 'Days of synthetic input (workdays have input 09:00–18:00 UTC).', default: 7, min: 1, max: 90,
    }),
  }

  async run(): Promise<DemoOutput> {
    const {flags} = await this.parse(Demo)
    const settings = this.loadSettings()
    const {demoRun} = await import('../demo/demo-run.js')
    const {demoProgressText, progressLine} = await import('../ui/progress.js')
    // A month of input takes tens of seconds: say what is being built (on a terminal, not with --json).
    const line = this.jsonEnabled() ? undefined : progressLine(process.stderr, {afterMs: 0})
    let output: DemoOutput
    try {
      output = await demoRun({
        paths: this.paths, days: flags.days, idleSeconds: settings.idle_seconds, onProgress: line && (progress => line.update(demoProgressText(progress), progress.step === 'report')),
      })
    } finally {
      line?.stop()
    }

    if (!this.jsonEnabled()) {
      const {renderSummary} = await import('../ui/summary-view.js')
      const c = colourFor()
      process.stdout.write(renderSummary(output.summary, c))
      this.log(`\n${c.bold('Demo database')}  ${output.database} (${output.events.toLocaleString('en-US')} synthetic events)`)
      this.log(`${c.bold('Report')}         ${output.report}`)
      this.log(c.dim('Explore it with `devtrace summarize --demo --by app` or `devtrace report --demo --out FILE.html`.'))
    }

    return output
  }
}
