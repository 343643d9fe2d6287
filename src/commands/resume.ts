import {BaseCommand} from '../ui/base-command.js'

export default class Resume extends BaseCommand {
  static loadsSettings = false
  static description = 'Record again after `devtrace pause`.'
  static examples = [{command: '<%= config.bin %> resume', description: 'End a pause now.'}]

  async run(): Promise<{paused: boolean; was_paused: boolean}> {
    await this.parse(Resume)
    const {resumeRun} = await import('../daemon/pause-run.js')
    return resumeRun({paths: this.paths}, this.io)
  }
}
