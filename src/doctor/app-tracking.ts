import {execFile} from 'node:child_process'
import {existsSync} from 'node:fs'

import {detectAppSource} from '../capture/app-source.js'
import {type Check, ok, warn} from './check.js'

export const XPROP_TIMEOUT_MS = 3000

/**
 * Whether the focused app can be named (the `app` column, `exclude_apps`): on X11 by `xprop`,
 * which must be installed; on Wayland by the compositor's socket (Sway/i3, Hyprland), which must
 * exist. The source is the one the daemon would pick (src/capture/app-source.ts).
 */
export async function checkAppTracking(env: NodeJS.ProcessEnv, platform: NodeJS.Platform = process.platform): Promise<Check> {
  const name = 'app tracking'
  const source = detectAppSource(env, platform)
  if (!source.available) {
    return warn(name, `Apps cannot be named here: ${source.reason}; events are recorded without \`app\` and \`exclude_apps\` cannot apply.`)
  }

  if (source.source === 'x11') {
    const program = 'xprop'
    const problem = await runsWithin(program, ['-version'], env)
    if (problem) return warn(name, `Apps are named with ${program} on X11, but ${problem}.`, 'Install it (Debian/Ubuntu: `sudo apt-get install x11-utils`; Fedora: `sudo dnf install xprop`).')
    return ok(name, `Apps are named with ${program} (X11).`)
  }

  const compositor = source.source === 'sway' ? 'Sway/i3' : 'Hyprland'
  if (source.socket && !existsSync(source.socket)) {
    return warn(name, `Apps are named through ${compositor}'s socket, but ${source.socket} does not exist.`, `Run devtrace inside the running ${compositor} session, whose variables name its socket.`)
  }

  return ok(name, `Apps are named through ${compositor}'s socket (${source.socket}).`)
}

/** undefined when `program` ran; else why not, as a phrase. */
function runsWithin(program: string, args: string[], env: NodeJS.ProcessEnv): Promise<string | undefined> {
  return new Promise(resolve => {
    execFile(program, args, {env, timeout: XPROP_TIMEOUT_MS}, error => {
      if (!error) resolve(undefined)
      else if ((error as NodeJS.ErrnoException).code === 'ENOENT') resolve(`${program} is not installed`)
      else if ((error as {killed?: boolean}).killed) resolve(`${program} did not answer within ${XPROP_TIMEOUT_MS / 1000} s`)
      else resolve(`${program} failed (${error.message.split('\n')[0]})`)
    })
  })
}
