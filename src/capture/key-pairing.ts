/**
 * Pairs key presses with their releases as they arrive, by key code, so the hold time (dwell) can
 * be stored on the `key_up` row without ever storing the code itself (level `standard`), and tells
 * auto-repeat apart from real presses.
 *
 * Every capture backend feeds its key events through one `KeyPairing` (in the Recorder), so they
 * all store the same thing:
 * - A held key's auto-repeat becomes nothing: one `key_down` when it went down, one `key_up` when
 *   it came up, with `hold_ms` the whole hold. Under X11 the repeats reach the hook as further
 *   presses of a key that was never released (measured under Xvfb with XKB's default 660 ms delay
 *   and 25 Hz rate: one press, then a press every 40 ms, then one release); the kernel marks them
 *   outright (value 2). Stored, they would inflate key counts and put 40 ms intervals into the
 *   cadence.
 * - A press of a key still held counts as a repeat only while repeats keep coming: after
 *   `STALE_PRESS_MS` without one, the release was missed (a grab, a suspend) and it is a new press.
 */

/** Longer than any auto-repeat delay people set (X11 and desktops cap it near 1 s); shorter than a real re-press after a lost release. */
export const STALE_PRESS_MS = 2000

/** The largest hold stored; longer ones (a key held across a suspend) say nothing about typing. */
export const MAX_HOLD_MS = 60_000

export interface KeyTiming {
  /** The key code, as the backend reports it (never stored below `full`). */
  code: number
  /** Milliseconds on the input system's own clock when it has one (X server time, kernel time), else receipt time. */
  timeMs: number
  /** The backend already knows this press is an auto-repeat (evdev's value 2). */
  repeat?: boolean
}

export type PairingVerdict = {holdMs: null | number; kind: 'release'} | {kind: 'press'} | {kind: 'repeat'}

interface Held {
  downMs: number
  lastSeenMs: number
}

export class KeyPairing {
  private readonly held = new Map<number, Held>()
  private repeatCount = 0

  /** Auto-repeat presses seen and not stored. */
  get repeats(): number {
    return this.repeatCount
  }

  press(key: KeyTiming): PairingVerdict {
    const held = this.held.get(key.code)
    if (key.repeat || (held && key.timeMs - held.lastSeenMs < STALE_PRESS_MS && key.timeMs >= held.lastSeenMs)) {
      this.repeatCount++
      if (held) held.lastSeenMs = key.timeMs
      return {kind: 'repeat'}
    }

    this.held.set(key.code, {downMs: key.timeMs, lastSeenMs: key.timeMs})
    return {kind: 'press'}
  }

  release(key: KeyTiming): PairingVerdict {
    const held = this.held.get(key.code)
    this.held.delete(key.code)
    if (!held) return {kind: 'release', holdMs: null}
    const holdMs = Math.round(key.timeMs - held.downMs)
    // A clock that went backwards or a release from another era: no hold rather than a wrong one.
    return {kind: 'release', holdMs: holdMs >= 0 && holdMs <= MAX_HOLD_MS ? holdMs : null}
  }

  /** Forget every held key (the backend restarted, or its clock changed). */
  reset(): void {
    this.held.clear()
  }
}
