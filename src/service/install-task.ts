import type {ServiceLaunch} from './launch.js'
import type {InstallOptions, ServiceChange, ServiceOptions} from './service-daemon.js'

import {DevtraceError} from '../core/errors.js'
import {stopDaemon} from '../daemon/control.js'
import {scheduledTaskXml, TASK_NAME} from './scheduled-task.js'
import {stopHandStartedDaemon, waitForServiceDaemon} from './service-daemon.js'
import {removeServiceFile, writeServiceFile} from './service-files.js'
import {taskXmlPath} from './service-status.js'
import {schtasks, taskState, taskUserId} from './task-scheduler.js'
import {toolProblem} from './tool.js'

/** schtasks reads task XML as UTF-16 (its declaration says so): little-endian with a byte order mark. */
function utf16(text: string): Buffer {
  return Buffer.concat([Buffer.from([0xFF, 0xFE]), Buffer.from(text, 'utf16le')])
}

/** Register the logon task from its XML (replacing an older one) and run it now. */
export async function installTask(options: InstallOptions, launch: ServiceLaunch): Promise<ServiceChange> {
  const env = options.env ?? process.env
  const xml = taskXmlPath(env)
  const file = writeServiceFile(xml, utf16(scheduledTaskXml(launch, taskUserId(env))))
  const before = await taskState()
  // Task Scheduler names no pid: a running task's daemon is the one that answers.
  const stoppedPid = before.running ? null : await stopHandStartedDaemon(options.paths, null)
  if (!before.registered || file.action === 'written') {
    if (before.running) await stopDaemon(options.paths)
    const created = await schtasks(['/Create', '/XML', xml, '/TN', TASK_NAME, '/F'])
    if (created.code !== 0) throw new DevtraceError(`Task Scheduler could not register the task: ${toolProblem(created)}.`, {suggestion: `The task's XML is in ${xml}.`})
  }

  if (!(await taskState()).running) {
    const ran = await schtasks(['/Run', '/TN', TASK_NAME])
    if (ran.code !== 0) throw new DevtraceError(`Task Scheduler could not run the task: ${toolProblem(ran)}.`, {suggestion: `Run \`schtasks /Query /TN ${TASK_NAME} /V\`.`})
  }

  const pid = await waitForServiceDaemon(options.paths, async () => ((await taskState()).registered ? false : 'the task is gone'), `\`schtasks /Query /TN ${TASK_NAME} /V\``)
  return {
    manager: 'task-scheduler', files: [file], imported_environment: [], stopped_pid: stoppedPid, pid,
  }
}

/** Stop the daemon (flushed; a clean exit is not a failure to restart), delete the task and its XML. */
export async function uninstallTask(options: ServiceOptions): Promise<ServiceChange> {
  const env = options.env ?? process.env
  const stopped = await stopDaemon(options.paths)
  if ((await taskState()).registered) {
    const deleted = await schtasks(['/Delete', '/TN', TASK_NAME, '/F'])
    if (deleted.code !== 0) throw new DevtraceError(`Task Scheduler could not delete the task: ${toolProblem(deleted)}.`, {suggestion: `Delete it with \`schtasks /Delete /TN ${TASK_NAME} /F\`.`})
  }

  return {
    manager: 'task-scheduler', files: removeServiceFile(taskXmlPath(env)), imported_environment: [], stopped_pid: stopped?.pid ?? null, pid: null,
  }
}
