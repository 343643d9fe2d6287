import os from 'node:os'

import {LAUNCH_AGENT_LABEL} from './launch-agent.js'
import {runTool, type ToolResult} from './tool.js'

/** The user's GUI domain, where LaunchAgents run: `gui/<uid>`. */
export function guiDomain(): string {
  return `gui/${os.userInfo().uid}`
}

export function launchctl(args: string[]): Promise<ToolResult> {
  return runTool('launchctl', args)
}

/** Whether launchd has the agent loaded, and the daemon's pid while it runs. */
export async function agentState(): Promise<{loaded: boolean; pid: null | number}> {
  const printed = await launchctl(['print', `${guiDomain()}/${LAUNCH_AGENT_LABEL}`])
  if (printed.code !== 0) return {loaded: false, pid: null}
  const pid = /^\s*pid = (\d+)/m.exec(printed.stdout)
  return {loaded: true, pid: pid ? Number(pid[1]) : null}
}
