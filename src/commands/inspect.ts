import {Flags} from '@oclif/core'

import {EVENT_KINDS, type EventKind} from '../core/event-kind.js'
import {BaseCommand} from '../ui/base-command.js'
import {demoFlag} from '../ui/demo-flag.js'
import {prose} from '../ui/prose.js'
import {TIME_FORMS} from '../ui/time.js'

export default class Inspect extends BaseCommand {
  static description = prose(`Show recorded events, newest last.

Without --follow: the newest --limit events that match, oldest first. With --follow: every new
event as it is captured, until Ctrl-C (needs the daemon running). Times are local.`)
  static examples = [
    {command: '<%= config.bin %> inspect', description: 'The last 50 events.'},
    {command: '<%= config.bin %> inspect --kind key_down --since 15m', description: 'Key presses in the last 15 minutes.'},
    {command: '<%= config.bin %> inspect --since 09:00 --until 10:00 --limit 1000 --csv', description: 'An hour of events as CSV.'},
    {command: '<%= config.bin %> inspect --follow --json', description: 'Stream new events, one JSON object a line.'},
    {command: '<%= config.bin %> inspect --demo --kind wheel', description: 'Scrolling in the demo database (see `devtrace demo`).'},
  ]
  // Written out: oclif builds one usage from `exclusive`, and three flags exclusive with --follow
  // come out as `[--since <value> | -f] [--until <value> | ]`. These are the command's two forms.
  static usage = [
    '<%= command.id %> [--kind KIND...] [--since <value>] [--until <value>] [--limit <value>] [--csv | --json] [--demo]',
    '<%= command.id %> -f [--kind KIND...] [--csv | --json]',
  ]
  static flags = {
    kind: Flags.string({
      description: `Only events of this kind (repeatable): ${EVENT_KINDS.join(', ')}.`, multiple: true, options: [...EVENT_KINDS], helpValue: 'KIND',
    }),
    since: Flags.string({description: `Events at or after this time: ${TIME_FORMS}.`, exclusive: ['follow']}),
    until: Flags.string({description: 'Events before this time (same forms as --since).', exclusive: ['follow']}),
    limit: Flags.integer({
      description: 'How many of the newest events to show.', default: 50, min: 1, exclusive: ['follow'],
    }),
    follow: Flags.boolean({char: 'f', description: 'Keep printing new events as they are captured.'}),
    csv: Flags.boolean({description: 'Print CSV with a header row.', exclusive: ['json']}),
    demo: {...demoFlag(), exclusive: ['follow']},
  }

  async run(): Promise<void> {
    const {flags} = await this.parse(Inspect)
    const {inspectRun} = await import('../read/inspect-run.js')
    await inspectRun({
      paths: this.paths,
      kinds: flags.kind as EventKind[] | undefined,
      since: flags.since,
      until: flags.until,
      limit: flags.limit,
      follow: flags.follow,
      csv: flags.csv,
      demo: flags.demo,
    }, this.io)
  }
}
