import type {DaemonStatus} from '../daemon/daemon.js'

import {BaseCommand} from '../ui/base-command.js'
import {requireDaemon} from '../ui/require-daemon.js'

export default class Resume extends BaseCommand {
  static loadsSettings = false
  static description = 'Record again after `devtrace pause`.'
  static examples = [{command: '<%= config.bin %> resume', description: 'End a pause now.'}]

  async run(): Promise<{paused: boolean}> {
    await this.parse(Resume)
    const status = await requireDaemon<DaemonStatus>(this.paths, 'resume')
    this.log('Recording again.')
    return {paused: status.paused}
  }
}
