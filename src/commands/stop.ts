import {BaseCommand} from '../ui/base-command.js'

export default class Stop extends BaseCommand {
  static loadsSettings = false
  static description = 'Flush everything buffered to disk and stop the capture daemon.'
  static examples = [
    {command: '<%= config.bin %> stop', description: 'Stop capturing (does nothing, successfully, when not running).'},
    {command: '<%= config.bin %> stop --json', description: 'Stop and print what the session recorded as JSON.'},
  ]

  async run(): Promise<{was_running: boolean; pid: null | number; events_session: number}> {
    await this.parse(Stop)
    const {stopDaemon} = await import('../daemon/control.js')
    const stopped = await stopDaemon(this.paths, signal => this.warn(`The daemon flushed but did not exit; sending ${signal}.`))
    if (!stopped) {
      this.log('devtrace is not running.')
      return {was_running: false, pid: null, events_session: 0}
    }

    this.log(`devtrace stopped (pid ${stopped.pid}); ${stopped.events_session} events recorded this session.`)
    return {was_running: true, pid: stopped.pid, events_session: stopped.events_session}
  }
}
