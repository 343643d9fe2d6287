import type {ServiceLaunch} from './launch.js'
import type {InstallOptions, ServiceChange, ServiceOptions} from './service-daemon.js'

import {DevtraceError} from '../core/errors.js'
import {stopHandStartedDaemon, waitForServiceDaemon} from './service-daemon.js'
import {removeServiceFile, writeServiceFile} from './service-files.js'
import {SYSTEMD_UNIT_NAME, systemdUnit, systemdUnitPath} from './systemd-unit.js'
import {SESSION_VARIABLES, systemctl, unitState} from './systemd.js'
import {toolProblem} from './tool.js'
import {autostartPath} from './xdg-autostart.js'

/**
 * Write the user unit, give the user manager this session's display, enable it for the
 * graphical session and start it now. A daemon started by hand is stopped first; a unit that
 * changed while running is restarted so the new file takes effect.
 */
export async function installSystemd(options: InstallOptions, launch: ServiceLaunch): Promise<ServiceChange> {
  const env = options.env ?? process.env
  const file = writeServiceFile(systemdUnitPath(env), systemdUnit(launch))
  // The user manager was started before this session's display existed: give it this one now.
  const imported = SESSION_VARIABLES.filter(name => env[name])
  if (imported.length > 0) await must(systemctl(['import-environment', ...imported], env), 'import the display environment')
  await must(systemctl(['daemon-reload'], env), 'reload its units')
  const before = await unitState(env)
  const stoppedPid = await stopHandStartedDaemon(options.paths, before.active === 'active' ? before.pid : null)
  await must(systemctl(['enable', SYSTEMD_UNIT_NAME], env), `enable ${SYSTEMD_UNIT_NAME}`)
  // A unit that hit its start limit refuses to start until reset.
  await systemctl(['reset-failed', SYSTEMD_UNIT_NAME], env)
  const restart = before.active === 'active' && file.action === 'written'
  await must(systemctl([restart ? 'restart' : 'start', SYSTEMD_UNIT_NAME], env), `start ${SYSTEMD_UNIT_NAME}`)
  const pid = await waitForServiceDaemon(options.paths, async () => {
    const state = await unitState(env)
    return state.active === 'failed' || state.active === 'inactive' ? `the unit is ${state.active}` : false
  }, `\`journalctl --user -u ${SYSTEMD_UNIT_NAME}\``)
  return {
    manager: 'systemd', files: [file], imported_environment: imported, stopped_pid: stoppedPid, pid,
  }
}

/** Stop the unit (SIGTERM: the daemon flushes and exits), disable it, remove the file, and forget it. */
export async function uninstallSystemd(options: ServiceOptions): Promise<ServiceChange> {
  const env = options.env ?? process.env
  const before = await unitState(env)
  const file = systemdUnitPath(env)
  if (before.enabled || before.active === 'active') await must(systemctl(['disable', '--now', SYSTEMD_UNIT_NAME], env), `stop and disable ${SYSTEMD_UNIT_NAME}`)
  // An autostart entry from an install before systemd ran here would start a second daemon.
  const files = [...removeServiceFile(file), ...removeServiceFile(autostartPath(env))]
  await systemctl(['daemon-reload'], env)
  await systemctl(['reset-failed', SYSTEMD_UNIT_NAME], env)
  return {
    manager: 'systemd', files, imported_environment: [], stopped_pid: before.active === 'active' ? before.pid : null, pid: null,
  }
}

async function must(result: Promise<{code: null | number; stderr: string; stdout: string}>, what: string): Promise<void> {
  const done = await result
  if (done.code === 0) return
  throw new DevtraceError(`systemd could not ${what}: ${toolProblem(done)}.`, {suggestion: 'Check `systemctl --user status` works in this session.'})
}
