import {readFileSync} from 'node:fs'

import type {BackendChoice} from '../core/capture-backend.js'
import type {Level} from '../core/level.js'

import {type ChoiceContext, chooseBackend, sessionKind} from '../capture/backend.js'
import {DevtraceError, errorMessage} from '../core/errors.js'
import {
  type Check, fail, ok, warn,
} from './check.js'

const BACKEND_NAMES = {hook: 'the X11 hook (uiohook-napi)', evdev: 'evdev (kernel input devices)'} as const

/**
 * The backend `devtrace start` would choose here, by the same function start calls, so doctor
 * and start never disagree: the X11 hook, or evdev with its input group, device access and
 * whether logind can say when the session is locked.
 */
export async function checkCaptureBackend(
  choice: BackendChoice,
  level: Level,
  env: NodeJS.ProcessEnv,
  context: ChoiceContext = {},
): Promise<Check> {
  const name = 'capture backend'
  const platform = context.platform ?? process.platform
  const group = platform === 'linux' && (choice === 'evdev' || sessionKind(env) !== 'x11') ? inputGroupNote() : ''
  try {
    const chosen = await chooseBackend(choice, env, {...context, level})
    const what = `\`devtrace start\` (backend ${choice}, level ${level}) would capture via ${BACKEND_NAMES[chosen.backend]}`
    const lock = chosen.backend === 'evdev' && chosen.lockGate ? ', recording only while your session is unlocked' : ''
    if (chosen.warnings.length === 0) return ok(name, `${what}${lock}.${group}`)
    return warn(name, `${what}${lock}, but: ${chosen.warnings.join(' ')}${group}`)
  } catch (error) {
    const suggestion = error instanceof DevtraceError ? error.suggestion : undefined
    return fail(name, `\`devtrace start\` would refuse: ${errorMessage(error)}${group}`, suggestion)
  }
}

/** Whether this user is in the `input` group, which evdev needs to open the devices. */
function inputGroupNote(): string {
  const gid = inputGroupId()
  if (gid === undefined) return ' (This system has no input group.)'
  const member = process.getgroups?.().includes(gid) ?? false
  return member ? ' (You are in the input group.)' : ' (You are not in the input group.)'
}

function inputGroupId(): number | undefined {
  try {
    const line = readFileSync('/etc/group', 'utf8').split('\n').find(entry => entry.startsWith('input:'))
    const gid = Number(line?.split(':')[2])
    return line && Number.isInteger(gid) ? gid : undefined
  } catch {
    return undefined
  }
}
