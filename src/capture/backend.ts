import type {BackendChoice, CaptureBackend} from '../core/capture-backend.js'
import type {InputHook} from './hook.js'
import type {RawInput} from './normalise.js'

import {assertCaptureAvailable} from './availability.js'

/** The backend a daemon will use, checked: it can capture here. */
export interface ChosenBackend {
  backend: CaptureBackend
  /** What the person must hear at start (e.g. only XWayland apps are seen). */
  warnings: string[]
}

/**
 * Decide where input comes from, and fail with one sentence naming the fix when it cannot be
 * captured here. Called by `start` before it spawns the daemon, and by the daemon itself.
 */
export async function chooseBackend(choice: BackendChoice, env: NodeJS.ProcessEnv = process.env): Promise<ChosenBackend> {
  if (choice === 'evdev') return {backend: 'evdev', warnings: []}
  await assertCaptureAvailable(env)
  return {backend: 'hook', warnings: []}
}

/** Where a started backend delivers its events, and what else it needs. */
export interface CaptureSink {
  onInput: (raw: RawInput, tsMicros: number) => void
  /** An exception in the listener: logged, never thrown into native or stream callbacks. */
  onListenerError: (error: unknown) => void
  log: (line: string) => void
  env?: NodeJS.ProcessEnv
}

/** Start delivering input from `backend`: every backend hands over uiohook-shaped events, stamped by the daemon's clock. */
export async function startCapture(backend: CaptureBackend, sink: CaptureSink): Promise<InputHook> {
  const {onInput, onListenerError, log, env = process.env} = sink
  if (backend === 'evdev') {
    const [{startEvdevInput}, {inputPaths}] = await Promise.all([import('./evdev/evdev-input.js'), import('./evdev/input-paths.js')])
    return startEvdevInput(onInput, onListenerError, {paths: inputPaths(env), log})
  }

  const {startInputHook} = await import('./hook.js')
  return startInputHook(onInput, onListenerError)
}
