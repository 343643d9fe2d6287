import type {InputHook} from '../hook.js'
import type {RawInput} from '../normalise.js'
import type {InputPaths} from './input-paths.js'

import {DevtraceError} from '../../core/errors.js'

export interface EvdevOptions {
  paths: InputPaths
  log: (line: string) => void
}

/** Read keyboards and pointers from the kernel's input devices and hand each event on as the X11 hook would. */
export async function startEvdevInput(
  _onInput: (raw: RawInput, tsMicros: number) => void,
  _onListenerError: (error: unknown) => void,
  _options: EvdevOptions,
): Promise<InputHook> {
  throw new DevtraceError('The evdev capture backend is not available in this build.', {suggestion: 'Use --backend hook.'})
}
