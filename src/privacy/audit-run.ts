import type {StatePaths} from '../config/paths.js'
import type {Io} from '../core/io.js'

import {openStore} from '../store/store.js'
import {auditText} from '../ui/privacy-view.js'
import {type AuditRow, listAudit} from './ledger.js'

/** `devtrace audit`: the ledger, oldest first (read through the daemon when it runs). */
export async function auditRun(options: {demo?: boolean; paths: StatePaths}, io: Io): Promise<AuditRow[]> {
  const store = await openStore(options.paths, {demo: options.demo})
  let rows: AuditRow[]
  try {
    rows = await listAudit(store)
  } finally {
    store.close()
  }

  if (!io.json) io.log(auditText(rows))
  return rows
}
