import type {ServiceLaunch} from './launch.js'
import type {InstallOptions, ServiceChange, ServiceOptions} from './service-daemon.js'

import {DevtraceError} from '../core/errors.js'
import {stopDaemon} from '../daemon/control.js'
import {LAUNCH_AGENT_LABEL, launchAgentPath, launchAgentPlist} from './launch-agent.js'
import {agentState, guiDomain, launchctl} from './launchd.js'
import {stopHandStartedDaemon, waitForServiceDaemon} from './service-daemon.js'
import {removeServiceFile, writeServiceFile} from './service-files.js'
import {toolProblem} from './tool.js'

/** Write the LaunchAgent and load it into the GUI session; RunAtLoad starts the daemon now. */
export async function installLaunchd(options: InstallOptions, launch: ServiceLaunch): Promise<ServiceChange> {
  const env = options.env ?? process.env
  const plist = launchAgentPath(env)
  const file = writeServiceFile(plist, launchAgentPlist(launch))
  const before = await agentState()
  const stoppedPid = await stopHandStartedDaemon(options.paths, before.pid)
  if (!before.loaded || file.action === 'written') {
    if (before.loaded) {
      await stopDaemon(options.paths)
      await launchctl(['bootout', `${guiDomain()}/${LAUNCH_AGENT_LABEL}`])
    }

    const loaded = await launchctl(['bootstrap', guiDomain(), plist])
    if (loaded.code !== 0) throw new DevtraceError(`launchd could not load ${plist}: ${toolProblem(loaded)}.`, {suggestion: 'Run `launchctl print gui/$(id -u)` to see the session.'})
  }

  const pid = await waitForServiceDaemon(options.paths, async () => ((await agentState()).loaded ? false : 'launchd unloaded it'), `\`launchctl print ${guiDomain()}/${LAUNCH_AGENT_LABEL}\``)
  return {
    manager: 'launchd', files: [file], imported_environment: [], stopped_pid: stoppedPid, pid,
  }
}

/** Stop the daemon (flushed; exit 0, so KeepAlive leaves it), unload the agent, remove the plist. */
export async function uninstallLaunchd(options: ServiceOptions): Promise<ServiceChange> {
  const env = options.env ?? process.env
  const stopped = await stopDaemon(options.paths)
  await launchctl(['bootout', `${guiDomain()}/${LAUNCH_AGENT_LABEL}`])
  return {
    manager: 'launchd', files: removeServiceFile(launchAgentPath(env)), imported_environment: [], stopped_pid: stopped?.pid ?? null, pid: null,
  }
}
