import type {AuditRow} from '../privacy/ledger.js'

import {BaseCommand} from '../ui/base-command.js'
import {demoFlag} from '../ui/demo-flag.js'
import {prose} from '../ui/prose.js'

export default class Audit extends BaseCommand {
  static description = prose(`Show the ledger: every export, upload (and its outcome), redaction and forget.

Each entry has its time, action, outcome, the time range it covered, the profile, format, rows,
bytes, the sha256 of what was written, and where it went. The ledger survives forget and redact.
Times are local in the table, ISO-8601 UTC in --json.`)
  static examples = [
    {command: '<%= config.bin %> audit', description: 'The ledger as a table, oldest first.'},
    {command: '<%= config.bin %> audit --json | jq \'.[] | select(.action == "export")\'', description: 'Exports only, as JSON.'},
    {command: '<%= config.bin %> audit --demo', description: 'The demo database\'s ledger (exports made with --demo).'},
  ]
  static flags = {
    demo: demoFlag(),
  }

  async run(): Promise<AuditRow[]> {
    const {flags} = await this.parse(Audit)
    const {auditRun} = await import('../privacy/audit-run.js')
    return auditRun({paths: this.paths, demo: flags.demo}, this.io)
  }
}
