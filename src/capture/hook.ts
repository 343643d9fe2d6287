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

/**
 * Start the native hook. The listener runs on the hook's thread-safe callback: it copies the
 * fields, stamps the time and hands them on, nothing more. It is guarded because an exception
 * escaping a N-API callback aborts the whole process.
 */
// On X11 uiohook's `time` is the X server's timestamp (ms, CLOCK_MONOTONIC, set when the server
// saw the event): hold times taken from it carry no delivery jitter, which matters because the
// hook receives X events in bursts (measured: a second of auto-repeat arrives in one go at the
// release). Its unit and origin differ on the other platforms, so there receipt time is used.
const HOOK_TIME_IS_SERVER_MS = process.platform === 'linux'

export async function startInputHook(
  onInput: (raw: RawInput, tsMicros: number) => void,
  onListenerError: (error: unknown) => void,
): Promise<InputHook> {
  const {uIOhook} = await import('uiohook-napi')
  const listener = (event: RawInput): void => {
    try {
      const ts = nowMicros()
      onInput(
        {
          type: event.type,
          keycode: event.keycode,
          x: event.x,
          y: event.y,
          button: event.button,
          amount: event.amount,
          rotation: event.rotation,
          direction: event.direction,
          altKey: event.altKey,
          ctrlKey: event.ctrlKey,
          metaKey: event.metaKey,
          shiftKey: event.shiftKey,
          time: HOOK_TIME_IS_SERVER_MS ? event.time : undefined,
        },
        ts,
      )
    } catch (error) {
      try {
        onListenerError(error)
      } catch {
        // Never let anything escape into the native callback.
      }
    }
  }

  uIOhook.on('input', listener)
  uIOhook.start()
  return {
    stop() {
      uIOhook.off('input', listener)
      uIOhook.stop()
    },
  }
}
