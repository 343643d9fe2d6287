import path from 'node:path'

import {type ServiceLaunch, xdgConfigHome} from './launch.js'

/** `$XDG_CONFIG_HOME/autostart/devtrace.desktop`: what desktops without systemd start at login. */
export function autostartPath(env: NodeJS.ProcessEnv = process.env): string {
  return path.join(xdgConfigHome(env), 'autostart', 'devtrace.desktop')
}

/**
 * The XDG autostart entry (Desktop Entry Specification). Exec cannot set variables, so the
 * passed-through ones go through `env`. Nothing restarts it after a crash: that needs systemd.
 */
export function autostartEntry(launch: ServiceLaunch): string {
  const variables = Object.entries(launch.environment).map(([name, value]) => `${name}=${value}`)
  const words = [...(variables.length > 0 ? ['env', ...variables] : []), launch.node, launch.script, ...launch.args]
  return [
    '[Desktop Entry]',
    'Type=Application',
    'Name=devtrace',
    'Comment=Record your own keyboard and mouse input to your own disk',
    `Exec=${words.map(word => desktopExecWord(word)).join(' ')}`,
    'Terminal=false',
    'NoDisplay=true',
    'X-GNOME-Autostart-enabled=true',
    '',
  ].join('\n')
}

/**
 * One Exec argument: quoted when it holds anything but plain path characters; inside quotes
 * `"`, `` ` ``, `$` and `\` take a backslash, and every backslash is doubled again because the
 * file's string escapes are undone first. `%` is a field code, so it is doubled.
 */
function desktopExecWord(word: string): string {
  const text = word.replaceAll('%', '%%')
  if (/^[\w./:=@+,-]+$/.test(text)) return text
  const quoted = text.replaceAll(/["$\\`]/g, char => '\\' + char)
  return `"${quoted.replaceAll('\\', '\\\\')}"`
}
