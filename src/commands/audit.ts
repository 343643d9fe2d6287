import type {AuditRow} from '../privacy/ledger.js'

import {BaseCommand} from '../ui/base-command.js'
import {prose} from '../ui/prose.js'

export default class Audit extends BaseCommand {
  static description = prose(`Show the ledger: every export, upload (and its outcome), redaction and forget.

Each entry has its time, action, outcome, the time range it covered, the profile, format, rows,
bytes, the sha256 of what was written, and where it went. The ledger survives forget and redact.
Times are local in the table, ISO-8601 UTC in --json.`)
  static examples = [
    {command: '<%= config.bin %> audit', description: 'The ledger as a table, oldest first.'},
    {command: '<%= config.bin %> audit --json | jq \'.[] | select(.action == "export")\'', description: 'Exports only, as JSON.'},
  ]

  async run(): Promise<AuditRow[]> {
    await this.parse(Audit)
    const {listAudit} = await import('../privacy/ledger.js')
    const {openStore} = await import('../store/store.js')
    const store = await openStore(this.paths)
    let rows: AuditRow[]
    try {
      rows = await listAudit(store)
    } finally {
      store.close()
    }

    if (!this.jsonEnabled()) await this.render(rows)
    return rows
  }

  private async render(rows: AuditRow[]): Promise<void> {
    if (rows.length === 0) {
      this.log('The ledger is empty: nothing has been exported, uploaded, redacted or forgotten.')
      return
    }

    const {renderTable, styled} = await import('../ui/table.js')
    const {localTime} = await import('../ui/event-format.js')
    const {formatBytes} = await import('../ui/format.js')
    const {colourFor} = await import('../ui/colour.js')
    const c = colourFor()
    const time = (iso: null | string): string => (iso ? localTime(iso) : '…')
    const table = rows.map(row => [
      String(row.id),
      time(row.ts),
      row.action,
      row.outcome === 'failed' ? styled(row.outcome, c.red) : row.outcome,
      row.range_start || row.range_end ? `${time(row.range_start)} → ${time(row.range_end)}` : 'all',
      row.profile ?? '',
      row.format ?? '',
      row.rows === null ? '' : String(row.rows),
      row.bytes === null ? '' : formatBytes(row.bytes),
      row.sha256 ? row.sha256.slice(0, 12) : '',
      row.destination ?? '',
    ])
    this.log(renderTable(['id', 'time', 'action', 'outcome', 'range', 'profile', 'format', 'rows', 'bytes', 'sha256', 'destination'], table))
  }
}
