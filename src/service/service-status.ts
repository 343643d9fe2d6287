import {existsSync} from 'node:fs'
import path from 'node:path'

import {resolvePaths} from '../config/paths.js'
import {launchAgentPath} from './launch-agent.js'
import {systemdUnitPath} from './systemd-unit.js'
import {autostartPath} from './xdg-autostart.js'

/** The platform mechanism that starts devtrace at login. */
export type ServiceManager = 'launchd' | 'systemd' | 'task-scheduler' | 'xdg-autostart'

export interface ServiceStatus {
  /** What this platform uses; null where devtrace knows none. */
  manager: null | ServiceManager
  /** The file(s) `service install` writes for this manager, whether or not they exist. */
  files: string[]
  installed: boolean
  /** Running now under the manager; null when the manager cannot say (an autostart file). */
  active: boolean | null
  /** Set to start at login (systemd: `is-enabled`); null when the manager cannot say. */
  enabled: boolean | null
  /** The daemon's pid under the manager while active, when the manager says. */
  pid: null | number
  /** The manager's own word for the state (systemd: failed, activating, …), when it has one. */
  state: null | string
}

/**
 * Whether devtrace is set to start at login, and whether it runs under that now. Read by
 * `service status` and `doctor`; `service install` writes what `files` names.
 */
export async function serviceStatus(env: NodeJS.ProcessEnv = process.env): Promise<ServiceStatus> {
  switch (process.platform) {
  case 'darwin': {
    return launchdStatus(env)
  }

  case 'linux': {
    return linuxStatus(env)
  }

  case 'win32': {
    return taskStatus(env)
  }

  default: {
    return {
      manager: null, files: [], installed: false, active: null, enabled: null, pid: null, state: null,
    }
  }
  }
}

/**
 * Linux: the systemd user unit when one is installed or a user manager runs, else the XDG
 * autostart file (what `service install` picks on this machine, or what it already wrote).
 */
async function linuxStatus(env: NodeJS.ProcessEnv): Promise<ServiceStatus> {
  const unit = systemdUnitPath(env)
  const autostart = autostartPath(env)
  const {systemdAvailable, unitState} = await import('./systemd.js')
  const haveSystemd = await systemdAvailable(env)
  if (existsSync(unit) || (haveSystemd && !existsSync(autostart))) {
    const installed = existsSync(unit)
    if (!haveSystemd) return {
      manager: 'systemd', files: [unit], installed, active: null, enabled: null, pid: null, state: null,
    }
    const state = await unitState(env)
    return {
      manager: 'systemd', files: [unit], installed, active: state.active === 'active', enabled: state.enabled === 'enabled', pid: state.pid, state: state.active || null,
    }
  }

  return {
    manager: 'xdg-autostart', files: [autostart], installed: existsSync(autostart), active: null, enabled: existsSync(autostart), pid: null, state: null,
  }
}

async function launchdStatus(env: NodeJS.ProcessEnv): Promise<ServiceStatus> {
  const plist = launchAgentPath(env)
  const {agentState} = await import('./launchd.js')
  const agent = await agentState()
  return {
    manager: 'launchd', files: [plist], installed: existsSync(plist), active: agent.pid !== null, enabled: agent.loaded, pid: agent.pid, state: null,
  }
}

async function taskStatus(env: NodeJS.ProcessEnv): Promise<ServiceStatus> {
  const xml = taskXmlPath(env)
  const {taskState} = await import('./task-scheduler.js')
  const task = await taskState()
  return {
    manager: 'task-scheduler', files: [xml], installed: task.registered, active: task.running, enabled: task.registered, pid: null, state: null,
  }
}

/** Windows: the task's XML as registered, kept in the state folder so it can be read back. */
export function taskXmlPath(env: NodeJS.ProcessEnv = process.env): string {
  return path.join(resolvePaths(env).home, 'devtrace-task.xml')
}
