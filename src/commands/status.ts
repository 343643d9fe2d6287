import type {StatusReport} from '../daemon/status-run.js'

import {BaseCommand} from '../ui/base-command.js'

export default class StatusCommand extends BaseCommand {
  static loadsSettings = false
  static description = 'Show whether devtrace is capturing, what it has recorded, and where.'
  static examples = [
    {command: '<%= config.bin %> status', description: 'Human-readable status.'},
    {command: '<%= config.bin %> status --json | jq .running', description: 'For scripts: `running`, `pid`, `level`, `paused`, `events`, `excluded_apps`, …'},
  ]

  async run(): Promise<StatusReport> {
    await this.parse(StatusCommand)
    const {statusRun} = await import('../daemon/status-run.js')
    return statusRun({paths: this.paths}, this.io)
  }
}
