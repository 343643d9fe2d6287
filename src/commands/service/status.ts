import type {ServiceStatus} from '../../service/service-status.js'

import {BaseCommand} from '../../ui/base-command.js'

export default class ServiceStatusCommand extends BaseCommand {
  static loadsSettings = false
  static description = 'Show whether devtrace starts at login, whether it runs under that now, and the files involved.'
  static examples = [
    {command: '<%= config.bin %> service status', description: 'Installed, started at login, running, and the unit file.'},
    {command: '<%= config.bin %> service status --json | jq .active', description: 'For scripts: `manager`, `installed`, `enabled`, `active`, `pid`, `files`.'},
  ]

  async run(): Promise<ServiceStatus> {
    await this.parse(ServiceStatusCommand)
    const [{serviceStatusRun}, {serviceStatusText}] = await Promise.all([import('../../service/service-run.js'), import('../../ui/service-view.js')])
    const status = await serviceStatusRun({})
    if (!this.jsonEnabled()) this.log(serviceStatusText(status))
    return status
  }
}
