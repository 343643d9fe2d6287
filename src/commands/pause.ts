import {Flags} from '@oclif/core'

import {parseDuration} from '../core/duration.js'
import {withBackend} from '../store/backend.js'
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
    const forMs = flags.for === undefined ? undefined : parseDuration(flags.for, '--for')
    const status = await withBackend(this.paths, backend => backend.pause(forMs))
    this.log(status.resumes_at ? `Paused until ${new Date(status.resumes_at).toLocaleTimeString()}.` : 'Paused. Run `devtrace resume` to record again.')
    return {paused: status.paused, resumes_at: status.resumes_at}
  }
}
