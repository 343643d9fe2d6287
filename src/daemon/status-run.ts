import type {StatePaths} from '../config/paths.js'
import type {Io} from '../core/io.js'

import {statusText} from '../ui/status-view.js'
import {readStatus, type Status} from './control.js'

/** `devtrace status`: the daemon's answer when it runs, the file's totals when it does not. */
export async function statusRun(options: {paths: StatePaths}, io: Io): Promise<Status> {
  const status = await readStatus(options.paths)
  if (!io.json) io.log(statusText(status))
  return status
}
