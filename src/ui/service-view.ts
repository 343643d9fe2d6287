import type {ServiceChange} from '../service/service-daemon.js'
import type {ServiceManager, ServiceStatus} from '../service/service-status.js'

import {colourFor} from './colour.js'
import {safeText} from './safe-text.js'

const MANAGER_NAMES: Record<ServiceManager, string> = {
  launchd: 'a launchd LaunchAgent',
  systemd: 'a systemd user service (devtrace.service)',
  'task-scheduler': 'a Task Scheduler task (devtrace)',
  'xdg-autostart': 'an XDG autostart entry',
}

/** `service install` / `uninstall` for a person: every file touched, then what runs now. */
export function serviceChangeText(change: ServiceChange, command: 'install' | 'uninstall'): string {
  const lines = change.files.map(file => `${file.action === 'unchanged' ? 'Unchanged' : (file.action === 'written' ? 'Wrote' : 'Removed')} ${safeText(file.path)}`)
  if (change.imported_environment.length > 0) lines.push(`Gave the user manager this session's ${change.imported_environment.join(', ')}.`)
  if (command === 'install') {
    if (change.stopped_pid !== null) lines.push(`Stopped the daemon started by hand (pid ${change.stopped_pid}) after it flushed, so only the service's runs.`)
    lines.push(`devtrace now starts at login through ${MANAGER_NAMES[change.manager]}, and is capturing now${change.pid === null ? '' : ` (pid ${change.pid})`}.`)
    if (change.manager === 'xdg-autostart') lines.push('Without systemd nothing restarts it after a crash; `devtrace start` does.')
    return lines.join('\n')
  }

  if (change.files.length === 0) lines.push('devtrace was not set to start at login; nothing to remove.')
  if (change.stopped_pid !== null) lines.push(`Stopped the daemon (pid ${change.stopped_pid}) after it flushed.`)
  if (change.files.length > 0) lines.push('devtrace no longer starts at login.')
  return lines.join('\n')
}

/** `service status` for a person: one label and value a line. */
export function serviceStatusText(status: ServiceStatus): string {
  if (!status.manager) return 'devtrace knows no way to start at login on this platform; start it with `devtrace start`.'
  const c = colourFor()
  const rows: Array<[string, string]> = [
    ['manager', MANAGER_NAMES[status.manager]],
    ['installed', status.installed ? c.green('yes') : 'no'],
  ]
  if (status.enabled !== null) rows.push(['at login', status.enabled ? 'yes' : 'no'])
  if (status.active !== null) {
    const state = status.state && status.state !== 'active' && status.state !== 'inactive' ? ` (${safeText(status.state)})` : ''
    rows.push(['running', (status.active ? c.green('yes') : 'no') + state + (status.pid === null ? '' : `, pid ${status.pid}`)])
  }

  rows.push(...status.files.map((file, index): [string, string] => [index === 0 ? 'files' : '', safeText(file)]))
  const width = Math.max(...rows.map(([label]) => label.length))
  const text = rows.map(([label, value]) => `${label.padEnd(width)}  ${value}`).join('\n')
  return status.installed ? text : `${text}\nInstall it with \`devtrace service install\`.`
}
