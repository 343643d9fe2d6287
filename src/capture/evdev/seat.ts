import type {RawInput} from '../normalise.js'

/** libuiohook's key codes of the modifiers it reports as ctrl/alt/shift/meta on every event. */
const MODIFIER_FLAGS = new Map<number, 'altKey' | 'ctrlKey' | 'metaKey' | 'shiftKey'>([
  [29, 'ctrlKey'],
  [42, 'shiftKey'],
  [54, 'shiftKey'],
  [56, 'altKey'],
  [0x0E_1D, 'ctrlKey'],
  [0x0E_38, 'altKey'],
  [0x0E_5B, 'metaKey'],
  [0x0E_5C, 'metaKey'],
])

export type ModifierFlags = Pick<RawInput, 'altKey' | 'ctrlKey' | 'metaKey' | 'shiftKey'>

/**
 * What all devices share, as one X11 seat would: the pointer position (integrated from every
 * mouse's and touchpad's relative motion: Wayland tells no program where the pointer is, and
 * device units are not screen pixels), the modifiers held on any keyboard, the buttons held on any
 * mouse, and Num Lock.
 */
export class Seat {
  x = 0
  y = 0
  /**
   * Num Lock decides whether a numpad key is a digit or navigation (as libuiohook does on X11).
   * The kernel echoes the keyboard's LED changes to every reader; until one is seen it is assumed on.
   */
  numLock = true
  private readonly modifiers = new Map<string, Set<number>>()
  private readonly buttons = new Map<string, Set<number>>()

  /** `device` pressed (or auto-repeated) a key: a modifier counts as held from this event on. */
  keyDown(device: string, uiohookCode: number): void {
    if (MODIFIER_FLAGS.has(uiohookCode)) held(this.modifiers, device).add(uiohookCode)
  }

  /** A released modifier no longer counts, on its own release event included (as libuiohook does). */
  keyUp(device: string, uiohookCode: number): void {
    this.modifiers.get(device)?.delete(uiohookCode)
  }

  buttonDown(device: string, button: number): void {
    held(this.buttons, device).add(button)
  }

  buttonUp(device: string, button: number): void {
    this.buttons.get(device)?.delete(button)
  }

  /** A button is held on some device: motion is a drag. */
  get dragging(): boolean {
    for (const set of this.buttons.values()) if (set.size > 0) return true
    return false
  }

  /** The device's state is unknown (events were lost) or it is gone: nothing of it stays held. */
  forget(device: string): void {
    this.modifiers.delete(device)
    this.buttons.delete(device)
  }

  flags(): ModifierFlags {
    const flags: ModifierFlags = {
      altKey: false, ctrlKey: false, metaKey: false, shiftKey: false,
    }
    for (const set of this.modifiers.values()) {
      for (const code of set) flags[MODIFIER_FLAGS.get(code)!] = true
    }

    return flags
  }
}

function held(map: Map<string, Set<number>>, device: string): Set<number> {
  let set = map.get(device)
  if (!set) {
    set = new Set()
    map.set(device, set)
  }

  return set
}
