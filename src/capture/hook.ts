import type {RawInput} from './normalise.js'

import {WallClock} from './clock.js'

export interface InputHook {
  stop(): void
  /** Backend counters for `status` (evdev: devices open, events lost to SYN_DROPPED, …); none for the hook. */
  stats?(): Record<string, number>
}

const clock = new WallClock()

/**
 * Wall-clock microseconds, strictly increasing within this process (src/capture/clock.ts).
 * uiohook's own `time` field is X server or boot time, not this.
 */
export function nowMicros(): number {
  return clock.nowMicros()
}

// On X11 uiohook's `time` is the X server's timestamp (ms, CLOCK_MONOTONIC, set when the server
// saw the event): hold times taken from it carry no delivery jitter, which matters because the
// hook receives X events in bursts (measured: a second of auto-repeat arrives in one go at the
// release). Its unit and origin differ on the other platforms, so there receipt time is used.
const HOOK_TIME_IS_SERVER_MS = process.platform === 'linux'

/**
 * The hook's listener: stamps the time and hands the event on, uncopied. Guarded because an exception
 * escaping a N-API callback aborts the whole process. Exported for bench/capture-path.ts.
 */
export function inputListener(
  onInput: (raw: RawInput, tsMicros: number) => void,
  onListenerError: (error: unknown) => void,
): (event: RawInput) => void {
  return (event: RawInput): void => {
    try {
      const ts = nowMicros()
      // uiohook-napi builds a fresh object for every event and nothing else holds it, so it is
      // handed on as it is rather than copied (one object less per event on the hot path).
      if (!HOOK_TIME_IS_SERVER_MS) event.time = undefined
      onInput(event, ts)
    } catch (error) {
      try {
        onListenerError(error)
      } catch {
        // Never let anything escape into the native callback.
      }
    }
  }
}

/** Start the native hook; the listener runs on its thread-safe callback. */
export async function startInputHook(
  onInput: (raw: RawInput, tsMicros: number) => void,
  onListenerError: (error: unknown) => void,
): Promise<InputHook> {
  const {uIOhook} = await import('uiohook-napi')
  const listener = inputListener(onInput, onListenerError)
  uIOhook.on('input', listener)
  uIOhook.start()
  return {
    stop() {
      uIOhook.off('input', listener)
      uIOhook.stop()
    },
  }
}
