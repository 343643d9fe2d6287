import {execFile} from 'node:child_process'
import {createRequire} from 'node:module'

import {assertCaptureAvailable} from '../capture/availability.js'
import {errorMessage} from '../core/errors.js'
import {
  type Check, fail, ok, warn,
} from './check.js'

/** Long enough for a cold disk to load the native module; short enough that doctor never seems stuck. */
export const HOOK_LOAD_TIMEOUT_MS = 10_000

const NAME = 'input hook'

/**
 * Whether uiohook-napi's native module loads here (its shared libraries: libX11, libXtst, …).
 * On Linux it opens the X display as it loads, so the display is tried first (bounded, as `start`
 * does: availability.ts). It is loaded in a child Node process: a native module that aborts or
 * hangs while loading takes the child with it, not doctor, and the child is killed after
 * HOOK_LOAD_TIMEOUT_MS. Loading does not start the hook, so nothing is captured.
 */
export async function checkInputHook(env: NodeJS.ProcessEnv = process.env, modulePath: null | string | undefined = resolveHook()): Promise<Check> {
  if (!modulePath) return fail(NAME, 'uiohook-napi is not installed.', 'Reinstall devtrace (npm ci), which builds or downloads it.')
  if (process.platform === 'linux') {
    const noDisplay = await assertCaptureAvailable(env).then(() => undefined, (error: unknown) => errorMessage(error))
    // Not a failure by itself: without X, `start` reads the input devices instead (see capture backend).
    if (noDisplay) return warn(NAME, `Not loaded: on Linux uiohook-napi needs an X display. ${noDisplay}`)
  }

  return loadHook(modulePath, env)
}

/** Load the module at `modulePath` in a child process, ended after `timeoutMs` (exported for tests). */
export function loadHook(modulePath: string, env: NodeJS.ProcessEnv, timeoutMs = HOOK_LOAD_TIMEOUT_MS): Promise<Check> {
  const name = NAME
  const script = 'const {uIOhook} = require(process.argv[1]); if (typeof uIOhook?.start !== "function") { throw new Error("it exports no uIOhook") }'
  return new Promise(resolve => {
    execFile(process.execPath, ['-e', script, modulePath], {env, timeout: timeoutMs, encoding: 'utf8'}, (error, _stdout, stderr) => {
      if (!error) {
        resolve(ok(name, 'uiohook-napi loads.'))
        return
      }

      const {killed, signal} = error as {killed?: boolean; signal?: null | string}
      if (killed && signal === 'SIGTERM') {
        const fix = 'Run `devtrace doctor` again; if it stays slow, check the disk and `DEBUG=1 devtrace start --foreground`.'
        resolve(warn(name, `Loading uiohook-napi did not finish within ${timeoutMs / 1000} s.`, fix))
        return
      }

      const why = lastErrorLine(stderr) ?? (signal ? `it ended with ${signal}` : error.message)
      const fix = /shared object|\.so\b|dlopen/i.test(why)
        ? 'Install the X11 libraries it needs (Debian/Ubuntu: `sudo apt-get install libx11-6 libxtst6 libxrandr2 libxt6`), then reinstall devtrace.'
        : 'Reinstall devtrace (npm ci); run `DEBUG=1 devtrace start --foreground` to see the whole error.'
      resolve(fail(name, `uiohook-napi does not load: ${why}`, fix))
    })
  })
}

function resolveHook(): string | undefined {
  try {
    return createRequire(import.meta.url).resolve('uiohook-napi')
  } catch {
    return undefined
  }
}

/** Node prints the error's own line ("Error: libXtst.so.6: cannot open …") after the stack frame it came from. */
function lastErrorLine(stderr: string): string | undefined {
  const lines = stderr.split('\n').map(line => line.trim())
  return lines.find(line => /^[A-Za-z]*Error:/.test(line))?.replace(/\.?$/, '.')
}
