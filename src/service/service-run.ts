import type {Io} from '../core/io.js'
import type {InstallOptions, ServiceChange, ServiceOptions} from './service-daemon.js'
import type {ServiceManager, ServiceStatus} from './service-status.js'

import {DevtraceError} from '../core/errors.js'
import {stopDaemon} from '../daemon/control.js'
import {serviceLaunch} from './launch.js'
import {removeServiceFile, writeServiceFile} from './service-files.js'
import {serviceStatus} from './service-status.js'

/** `devtrace service install`: write the files, enable, start now, and return once the daemon answers. */
export async function serviceInstallRun(options: InstallOptions, io: Io): Promise<ServiceChange> {
  const env = options.env ?? process.env
  const launch = serviceLaunch(env)
  const status = await serviceStatus(env)
  if (!status.manager) throw unsupported()
  const installers: Record<ServiceManager, () => Promise<ServiceChange>> = {
    async systemd() {
      const {installSystemd} = await import('./install-systemd.js')
      return installSystemd(options, launch)
    },
    async 'xdg-autostart'() {
      const {autostartEntry, autostartPath} = await import('./xdg-autostart.js')
      const files = [writeServiceFile(autostartPath(env), autostartEntry(launch))]
      // Nothing to hand over to: a daemon already running is the one a login would start.
      const {startDaemon} = await import('../daemon/control.js')
      const started = await startDaemon(options.paths, {...options.daemon, warn: text => io.warn(text)})
      return {
        manager: 'xdg-autostart', files, imported_environment: [], stopped_pid: null, pid: started.info.pid,
      }
    },
    async launchd() {
      const {installLaunchd} = await import('./install-launchd.js')
      return installLaunchd(options, launch)
    },
    async 'task-scheduler'() {
      const {installTask} = await import('./install-task.js')
      return installTask(options, launch)
    },
  }
  return installers[status.manager]()
}

/** `devtrace service uninstall`: stop the service's daemon (flushed) and remove everything install wrote. */
export async function serviceUninstallRun(options: ServiceOptions): Promise<ServiceChange> {
  const env = options.env ?? process.env
  const status = await serviceStatus(env)
  if (!status.manager) throw unsupported()
  switch (status.manager) {
  case 'launchd': {
    const {uninstallLaunchd} = await import('./install-launchd.js')
    return uninstallLaunchd(options)
  }

  case 'systemd': {
    const {uninstallSystemd} = await import('./install-systemd.js')
    return uninstallSystemd(options)
  }

  case 'task-scheduler': {
    const {uninstallTask} = await import('./install-task.js')
    return uninstallTask(options)
  }

  case 'xdg-autostart': {
    const {autostartPath} = await import('./xdg-autostart.js')
    const stopped = status.installed ? await stopDaemon(options.paths) : undefined
    return {
      manager: 'xdg-autostart', files: removeServiceFile(autostartPath(env)), imported_environment: [], stopped_pid: stopped?.pid ?? null, pid: null,
    }
  }
  }
}

export async function serviceStatusRun(options: {env?: NodeJS.ProcessEnv}): Promise<ServiceStatus> {
  return serviceStatus(options.env ?? process.env)
}

function unsupported(): DevtraceError {
  return new DevtraceError(`devtrace cannot start at login on ${process.platform}.`, {suggestion: 'Start it by hand with `devtrace start`.'})
}
