import type {ServiceChange} from '../../service/service-daemon.js'

import {BaseCommand} from '../../ui/base-command.js'

export default class ServiceUninstall extends BaseCommand {
  static loadsSettings = false
  static description = 'Stop starting devtrace at login: stop the service\'s daemon (after it flushes) and remove every file `service install` wrote.'
  static examples = [
    {command: '<%= config.bin %> service uninstall', description: 'Prints each file it removes; harmless when nothing is installed.'},
    {command: '<%= config.bin %> service uninstall --json', description: 'The files removed and the daemon stopped, as JSON.'},
  ]

  async run(): Promise<ServiceChange> {
    await this.parse(ServiceUninstall)
    const [{serviceUninstallRun}, {serviceChangeText}] = await Promise.all([import('../../service/service-run.js'), import('../../ui/service-view.js')])
    const change = await serviceUninstallRun({paths: this.paths})
    if (!this.jsonEnabled()) this.log(serviceChangeText(change, 'uninstall'))
    return change
  }
}
