import {readFileSync} from 'node:fs'

import type {StatePaths} from '../config/paths.js'
import type {Io} from '../core/io.js'

import {statusText} from '../ui/status-view.js'
import {readStatus, type Status} from './control.js'

/** What `status` shows: the daemon's or the file's status, and the apps exclude_apps keeps out. */
export type StatusReport = Status & {excluded_apps: string[]}

/** `devtrace status`: the daemon's answer when it runs, the file's totals when it does not. */
export async function statusRun(options: {paths: StatePaths}, io: Io): Promise<StatusReport> {
  const status = {...await readStatus(options.paths), excluded_apps: excludedApps(options.paths.config)}
  if (!io.json) io.log(statusText(status))
  return status
}

/**
 * The names in config.json's exclude_apps, read without the config schema: status is a fast path
 * and must not load zod. A running daemon applies the same list within a second of a change.
 * A missing or unreadable file, or a value that is not a list of names, shows as none here;
 * `devtrace config list` and start report what is wrong with it.
 */
export function excludedApps(configFile: string): string[] {
  try {
    const value = (JSON.parse(readFileSync(configFile, 'utf8')) as {exclude_apps?: unknown}).exclude_apps
    return Array.isArray(value) ? value.filter((name): name is string => typeof name === 'string') : []
  } catch {
    return []
  }
}
