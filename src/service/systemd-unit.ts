import path from 'node:path'

import {type ServiceLaunch, xdgConfigHome} from './launch.js'

export const SYSTEMD_UNIT_NAME = 'devtrace.service'

/** `$XDG_CONFIG_HOME/systemd/user/devtrace.service` (default ~/.config): where user units live. */
export function systemdUnitPath(env: NodeJS.ProcessEnv = process.env): string {
  return path.join(xdgConfigHome(env), 'systemd', 'user', SYSTEMD_UNIT_NAME)
}

/**
 * The systemd user unit. It belongs to the graphical session (started with it, stopped with it:
 * devtrace needs a display, and a user manager also runs for SSH and console logins, where
 * default.target would start it with no display and burn through its restart limit). A crash
 * restarts it a few times, then systemd gives up rather than loop; a stop is SIGTERM to the
 * daemon alone (KillMode=mixed), which flushes and exits, as `devtrace stop` does.
 */
export function systemdUnit(launch: ServiceLaunch): string {
  const exec = [launch.node, launch.script, ...launch.args].map(word => systemdWord(word)).join(' ')
  const environment = Object.entries(launch.environment).map(([name, value]) => `Environment=${systemdWord(`${name}=${value}`, true)}`)
  return [
    '# Written by `devtrace service install`; `devtrace service uninstall` removes it.',
    '[Unit]',
    'Description=devtrace: record your own keyboard and mouse input to your own disk',
    'PartOf=graphical-session.target',
    'After=graphical-session.target',
    // At most 5 starts in 2 minutes; after that the unit stays failed until started again.
    'StartLimitIntervalSec=120',
    'StartLimitBurst=5',
    '',
    '[Service]',
    'Type=simple',
    `ExecStart=${exec}`,
    ...environment,
    'Restart=on-failure',
    'RestartSec=2',
    'KillMode=mixed',
    'KillSignal=SIGTERM',
    'TimeoutStopSec=20',
    '',
    '[Install]',
    'WantedBy=graphical-session.target',
    '',
  ].join('\n')
}

/**
 * One word of a unit file value: `%` is a specifier and `$` a variable there, so both are
 * doubled; a word with spaces, quotes or backslashes is double-quoted with C-style escapes.
 */
function systemdWord(word: string, alwaysQuote = false): string {
  let text = word.replaceAll('%', '%%')
  if (!alwaysQuote) text = text.replaceAll('$', '$$$$')
  if (!alwaysQuote && /^[\w./:=@+,-]+$/.test(text)) return text
  return `"${text.replaceAll('\\', '\\\\').replaceAll('"', String.raw`\"`)}"`
}
