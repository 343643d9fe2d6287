
import {withBackend} from '../store/backend.js'
import {BaseCommand} from '../ui/base-command.js'

export default class Resume extends BaseCommand {
  static loadsSettings = false
  static description = 'Record again after `devtrace pause`.'
  static examples = [{command: '<%= config.bin %> resume', description: 'End a pause now.'}]

  async run(): Promise<{paused: boolean}> {
    await this.parse(Resume)
    const status = await withBackend(this.paths, backend => backend.resume())
    this.log('Recording again.')
    return {paused: status.paused}
  }
}
