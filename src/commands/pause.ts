import {Flags} from '@oclif/core'

import {BaseCommand} from '../ui/base-command.js'

export default class Pause extends BaseCommand {
  static loadsSettings = false
  static description = 'Stop recording until `devtrace resume` (or for a while with --for). Nothing is recorded while paused.'
  static examples = [
    {command: '<%= config.bin %> pause', description: 'Pause until you resume.'},
    {command: '<%= config.bin %> pause --for 10m', description: 'Pause for ten minutes, then resume by itself.'},
  ]
  static flags = {
    for: Flags.string({description: 'Resume by itself after this long (30s, 10m, 2h).'}),
  }

  async run(): Promise<{paused: boolean; resumes_at: null | string}> {
    const {flags} = await this.parse(Pause)
    const {pauseRun} = await import('../daemon/pause-run.js')
    return pauseRun({paths: this.paths, for: flags.for}, this.io)
  }
}
