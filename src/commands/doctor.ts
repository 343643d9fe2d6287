import type {DoctorReport} from '../doctor/doctor-run.js'

import {ExitCode} from '../core/exit-codes.js'
import {BaseCommand} from '../ui/base-command.js'
import {doctorText} from '../ui/doctor-view.js'
import {prose} from '../ui/prose.js'

export default class Doctor extends BaseCommand {
  // It reads config.json itself: a broken file is one of the things it reports, not an error.
  static loadsSettings = false
  static description = prose(`Check whether devtrace can capture here and its data is in order.

One line per check (ok, warn or FAIL) with the fix beneath. Exits 1 when a check fails, 0 with warnings only. Only reads: it creates, changes and starts nothing.`)
  static examples = [
    {command: '<%= config.bin %> doctor', description: 'Display and session, input hook, capture backend, app tracking, config, daemon, database and WAL, retention, disk space, file modes, service.'},
    {command: '<%= config.bin %> doctor --json | jq \'.checks[] | select(.status != "ok")\'', description: 'For scripts: {ok, checks: [{name, status, detail, fix}]}.'},
  ]

  async run(): Promise<DoctorReport> {
    await this.parse(Doctor)
    const {doctorRun} = await import('../doctor/doctor-run.js')
    const report = await doctorRun({paths: this.paths, version: this.config.version}, this.io)
    this.log(doctorText(report.checks))
    // The report is printed either way (with --json too); a failed check is the exit code scripts see.
    if (!report.ok) process.exitCode = ExitCode.Failure
    return report
  }
}
