import os from 'node:os'

import {TASK_NAME} from './scheduled-task.js'
import {runTool, type ToolResult} from './tool.js'

export function schtasks(args: string[]): Promise<ToolResult> {
  return runTool('schtasks', args)
}

/** This user as Task Scheduler names them: DOMAIN\user. */
export function taskUserId(env: NodeJS.ProcessEnv = process.env): string {
  const user = env.USERNAME || os.userInfo().username
  return env.USERDOMAIN ? `${env.USERDOMAIN}\\${user}` : user
}

/** Whether the task is registered, and whether it runs now (`schtasks /Query` in CSV: name, next run, status). */
export async function taskState(): Promise<{registered: boolean; running: boolean}> {
  const queried = await schtasks(['/Query', '/TN', TASK_NAME, '/FO', 'CSV', '/NH'])
  if (queried.code !== 0) return {registered: false, running: false}
  return {registered: true, running: /"Running"/i.test(queried.stdout)}
}
