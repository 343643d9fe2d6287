import os from 'node:os'
import path from 'node:path'
import {fileURLToPath} from 'node:url'

/** What a service manager runs: the same lean `start --foreground` path as a background start. */
export interface ServiceLaunch {
  /** Absolute path of the Node.js running this command (a login session's PATH may differ). */
  node: string
  /** Absolute path of devtrace's bin/run.js. */
  script: string
  args: string[]
  /** Variables the daemon needs to find the same state as this shell; only those set here. */
  environment: Record<string, string>
}

/**
 * Variables passed through to the service when set: DEVTRACE_HOME picks the state folder, and
 * XDG_DATA_HOME moves the default one, so without them a service would record into another
 * database than the one this shell's commands read.
 */
const PASSED_THROUGH = ['DEVTRACE_HOME', 'XDG_DATA_HOME'] as const

export function serviceLaunch(env: NodeJS.ProcessEnv = process.env): ServiceLaunch {
  const environment: Record<string, string> = {}
  for (const name of PASSED_THROUGH) {
    const value = env[name]
    if (value) environment[name] = name === 'DEVTRACE_HOME' ? path.resolve(value) : value
  }

  return {
    node: process.execPath,
    // src/service/ and dist/service/ both sit two levels below the package root.
    script: fileURLToPath(new URL('../../bin/run.js', import.meta.url)),
    args: ['start', '--foreground'],
    environment,
  }
}

/** `$XDG_CONFIG_HOME`, by default ~/.config: where systemd user units and XDG autostart entries live. */
export function xdgConfigHome(env: NodeJS.ProcessEnv): string {
  return env.XDG_CONFIG_HOME || path.join(env.HOME || os.homedir(), '.config')
}
