import {existsSync} from 'node:fs'

import {SYSTEMD_UNIT_NAME} from './systemd-unit.js'
import {runTool, type ToolResult} from './tool.js'

/**
 * What the daemon needs from the login session, copied into the user manager's environment by
 * `service install`: the display (X11 or Wayland) and its cookie, the session (XDG_SESSION_ID is
 * how the daemon recognises a lock screen), and the compositor sockets the focused app is read
 * from. A desktop that integrates with systemd imports the same at every login; see the README.
 */
export const SESSION_VARIABLES = [
  'DISPLAY', 'XAUTHORITY', 'WAYLAND_DISPLAY', 'XDG_SESSION_ID', 'XDG_SESSION_TYPE', 'XDG_CURRENT_DESKTOP', 'SWAYSOCK', 'I3SOCK', 'HYPRLAND_INSTANCE_SIGNATURE',
] as const

export function systemctl(args: string[], env: NodeJS.ProcessEnv = process.env): Promise<ToolResult> {
  return runTool('systemctl', ['--user', ...args], env)
}

/**
 * Whether a systemd user manager runs for this user: the system booted with systemd (the marker
 * folder sd_booted() checks) and `systemctl --user` reaches a manager.
 */
export async function systemdAvailable(env: NodeJS.ProcessEnv = process.env): Promise<boolean> {
  if (!existsSync('/run/systemd/system')) return false
  return (await systemctl(['show-environment'], env)).code === 0
}

export interface UnitState {
  /** `systemctl --user is-active`: active, inactive, failed, activating, … */
  active: string
  /** `systemctl --user is-enabled`: enabled, disabled, … (empty when the unit is unknown). */
  enabled: string
  /** The daemon's pid while the unit runs, else null. */
  pid: null | number
}

export async function unitState(env: NodeJS.ProcessEnv = process.env): Promise<UnitState> {
  const [active, enabled, pid] = await Promise.all([
    systemctl(['is-active', SYSTEMD_UNIT_NAME], env),
    systemctl(['is-enabled', SYSTEMD_UNIT_NAME], env),
    systemctl(['show', '--property=MainPID', '--value', SYSTEMD_UNIT_NAME], env),
  ])
  const mainPid = Number(pid.stdout.trim())
  return {active: active.stdout.trim(), enabled: enabled.stdout.trim(), pid: mainPid > 0 ? mainPid : null}
}
