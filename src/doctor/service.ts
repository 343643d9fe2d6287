import {errorMessage} from '../core/errors.js'
import {within} from '../core/within.js'
import {serviceStatus} from '../service/service-status.js'
import {type Check, ok, warn} from './check.js'

/** serviceStatus may ask the service manager (systemctl, launchctl, schtasks). */
export const SERVICE_TIMEOUT_MS = 5000

/** Whether devtrace starts at login, and runs under its service manager now (src/service decides how to ask). */
export async function checkService(env: NodeJS.ProcessEnv = process.env, timeoutMs = SERVICE_TIMEOUT_MS): Promise<Check> {
  const name = 'service'
  const asked = serviceStatus(env).catch((error: unknown) => errorMessage(error))
  const status = await within(timeoutMs, asked, () => `the service manager did not answer within ${timeoutMs / 1000} s`)
  if (typeof status === 'string') return warn(name, `Could not tell whether devtrace starts at login: ${status}.`)
  if (!status.manager) return warn(name, `devtrace knows no way to start at login on ${process.platform}.`, 'Start it by hand after each login: `devtrace start`.')
  const where = status.files.join(', ')
  if (!status.installed) return warn(name, `Not installed: devtrace does not start at login (${status.manager}).`, 'Run `devtrace service install` to capture from every login on.')
  if (status.active === false) {
    return warn(name, `Installed (${where}) but not running under ${status.manager} now.`, 'Run `devtrace service install` again to start it now, and see `devtrace service status`.')
  }

  const now = status.active ? ' and running' : ''
  return ok(name, `Installed${now}: devtrace starts at login (${status.manager}: ${where}).`)
}
