import {existsSync} from 'node:fs'
import os from 'node:os'
import path from 'node:path'

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
}

/**
 * Whether devtrace is set to start at login, and whether it runs under that now. Read by
 * `service status` and `doctor`; `service install` writes what `files` names.
 */
export async function serviceStatus(env: NodeJS.ProcessEnv = process.env): Promise<ServiceStatus> {
  if (process.platform !== 'linux') return {
    manager: null, files: [], installed: false, active: null,
  }
  const configHome = env.XDG_CONFIG_HOME || path.join(os.homedir(), '.config')
  const unit = path.join(configHome, 'systemd', 'user', 'devtrace.service')
  return {
    manager: 'systemd', files: [unit], installed: existsSync(unit), active: null,
  }
}
