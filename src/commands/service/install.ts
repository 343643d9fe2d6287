import type {ServiceChange} from '../../service/service-daemon.js'

import {BaseCommand} from '../../ui/base-command.js'
import {prose} from '../../ui/prose.js'

export default class ServiceInstall extends BaseCommand {
  static description = prose(`Start devtrace at every login, and now.

Linux: a systemd user service tied to the graphical session (restarted after a crash), or an XDG
autostart entry where there is no systemd; macOS: a LaunchAgent; Windows: a Task Scheduler task
at logon. Running it again is harmless. A daemon started by hand is stopped first (after it
flushes), so exactly one runs. Prints every file it writes.`)
  static examples = [
    {command: '<%= config.bin %> service install', description: 'Capture from every login on, starting now.'},
    {command: '<%= config.bin %> service install --json', description: 'The files written and the daemon\'s pid as JSON.'},
  ]

  async run(): Promise<ServiceChange> {
    await this.parse(ServiceInstall)
    const settings = this.loadSettings()
    const [{serviceInstallRun}, {serviceChangeText}] = await Promise.all([import('../../service/service-run.js'), import('../../ui/service-view.js')])
    const change = await serviceInstallRun({
      paths: this.paths,
      daemon: {level: settings.level, backend: settings.backend, mouseHz: settings.mouse_hz},
    }, this.io)
    if (!this.jsonEnabled()) this.log(serviceChangeText(change, 'install'))
    return change
  }
}
