import type {StopOutput} from '../daemon/stop-run.js'

import {BaseCommand} from '../ui/base-command.js'

export default class Stop extends BaseCommand {
  static loadsSettings = false
  static description = 'Flush everything buffered to disk and stop the capture daemon.'
  static examples = [
    {command: '<%= config.bin %> stop', description: 'Stop capturing (does nothing, successfully, when not running).'},
    {command: '<%= config.bin %> stop --json', description: 'Stop and print what the session recorded as JSON.'},
  ]

  async run(): Promise<StopOutput> {
    await this.parse(Stop)
    const {stopRun} = await import('../daemon/stop-run.js')
    return stopRun({paths: this.paths}, this.io)
  }
}
