
import {errorMessage} from '../core/errors.js'
import {kindOf, type RawInput} from './normalise.js'

/**
 * The panic hotkey: a global chord (default Ctrl+Alt+Shift+P) that toggles pause, and whose own
 * keys are never recorded.
 *
 * The hook is passive (the focused app still receives the chord; nothing is grabbed), and we
 * only know a modifier press belonged to the chord once the chord's key arrives. So a press of
 * one of the chord's modifiers starts a hold: it and everything after it are kept back, in
 * order, with their original timestamps, until either
 * - the chord's key goes down with exactly the chord's modifiers held: the held key events are
 *   dropped, anything else held (mouse moves) is released, and the chord fires; the chord's
 *   keys are then swallowed up to and including their key_up (and key repeat);
 * - anything else happens to the keyboard (another key goes down, a held modifier comes up):
 *   everything held is released as it was, so Shift+A or Ctrl+C are recorded exactly as typed.
 */

export const MODIFIER_GROUPS = ['ctrl', 'alt', 'shift', 'meta'] as const
export type ModifierGroup = (typeof MODIFIER_GROUPS)[number]

/** uiohook (libuiohook VC_*) key codes of the left and right key of each modifier. */
const MODIFIER_CODES: Record<ModifierGroup, readonly number[]> = {
  ctrl: [29, 3613],
  alt: [56, 3640],
  shift: [42, 54],
  meta: [3675, 3676],
}

const MODIFIER_NAMES: Record<string, ModifierGroup> = {
  ctrl: 'ctrl',
  control: 'ctrl',
  alt: 'alt',
  option: 'alt',
  shift: 'shift',
  meta: 'meta',
  super: 'meta',
  win: 'meta',
  cmd: 'meta',
  command: 'meta',
}

const KEY_NAMES: Record<string, number> = {
  ...Object.fromEntries([...'qwertyuiop'].map((letter, i) => [letter, 16 + i])),
  ...Object.fromEntries([...'asdfghjkl'].map((letter, i) => [letter, 30 + i])),
  ...Object.fromEntries([...'zxcvbnm'].map((letter, i) => [letter, 44 + i])),
  ...Object.fromEntries([...'123456789'].map((digit, i) => [digit, 2 + i])),
  0: 11,
  ...Object.fromEntries(Array.from({length: 10}, (_, i) => [`f${i + 1}`, 59 + i])),
  f11: 87,
  f12: 88,
  f13: 91,
  f14: 92,
  f15: 93,
  ...Object.fromEntries(Array.from({length: 9}, (_, i) => [`f${i + 16}`, 99 + i])),
  escape: 1,
  esc: 1,
  space: 57,
  tab: 15,
  enter: 28,
  return: 28,
  backspace: 14,
  insert: 3666,
  delete: 3667,
  home: 3655,
  end: 3663,
  pageup: 3657,
  pagedown: 3665,
  pause: 3653,
  printscreen: 3639,
  scrolllock: 70,
  minus: 12,
  equal: 13,
  comma: 51,
  period: 52,
  slash: 53,
  semicolon: 39,
  quote: 40,
  backquote: 41,
  backslash: 43,
  bracketleft: 26,
  bracketright: 27,
}

export interface Chord {
  /** The modifier groups that must be held (either the left or the right key of each). */
  modifiers: readonly ModifierGroup[]
  /** uiohook key code of the key that completes the chord. */
  key: number
  /** Canonical text, e.g. "ctrl+alt+shift+p". */
  text: string
}

/** Values of `panic_hotkey` that turn the hotkey off. */
const OFF = new Set(['disabled', 'none', 'off'])

/**
 * "ctrl+alt+shift+p" → a Chord; "off" → null. Throws an Error whose message says what is wrong
 * (the config schema shows it).
 */
export function parseChord(text: string): Chord | null {
  const normalised = text.trim().toLowerCase()
  if (OFF.has(normalised)) return null
  const parts = normalised.split('+').map(part => part.trim())
  if (parts.includes('')) throw new Error(`"${text}" is not a key chord (expected something like ctrl+alt+shift+p)`)
  const keyName = parts.at(-1)!
  const key = KEY_NAMES[keyName]
  if (key === undefined) {
    throw new Error(MODIFIER_NAMES[keyName]
      ? `"${text}" ends in a modifier; a chord ends in a key such as p or f12`
      : `unknown key "${keyName}" in "${text}"`)
  }

  const modifiers = new Set<ModifierGroup>()
  for (const name of parts.slice(0, -1)) {
    const group = MODIFIER_NAMES[name]
    if (!group) throw new Error(`"${name}" in "${text}" is not a modifier (ctrl, alt, shift, meta)`)
    modifiers.add(group)
  }

  const ordered = MODIFIER_GROUPS.filter(group => modifiers.has(group))
  return {modifiers: ordered, key, text: [...ordered, keyName].join('+')}
}

/** Whether `text` is a valid `panic_hotkey` value; the reason when not. */
export function chordProblem(text: string): string | undefined {
  try {
    parseChord(text)
    return undefined
  } catch (error) {
    return errorMessage(error)
  }
}

/** Past this many held events (modifiers held for a long time while the mouse moves) give up. */
const MAX_HELD = 2000

type Emit = (raw: RawInput, tsMicros: number) => void

export class ChordFilter {
  private chord: Chord | null = null
  /** Chord-modifier key code → its group, for the current chord. */
  private chordModifiers = new Map<number, ModifierGroup>()
  private held: Array<{raw: RawInput; ts: number}> = []
  /** Chord modifiers pressed since the hold began. */
  private readonly down = new Set<number>()
  /** Keys of a chord that fired, swallowed until they come up. */
  private readonly swallow = new Set<number>()

  constructor(
    chord: Chord | null,
    private readonly emit: Emit,
    private readonly fire: () => void,
  ) {
    this.setChord(chord)
  }

  /** Events held back right now (for tests and status). */
  get holding(): number {
    return this.held.length
  }

  setChord(chord: Chord | null): void {
    this.release()
    this.chord = chord
    this.chordModifiers = new Map()
    for (const group of chord?.modifiers ?? []) {
      for (const code of MODIFIER_CODES[group]) this.chordModifiers.set(code, group)
    }
  }

  offer(raw: RawInput, ts: number): void {
    const {chord} = this
    if (!chord) {
      this.emit(raw, ts)
      return
    }

    const kind = kindOf(raw)
    const isDown = kind === 'key_down'
    const isUp = kind === 'key_up'
    const code = raw.keycode ?? -1
    if ((isDown || isUp) && this.swallow.has(code)) {
      if (isUp) this.swallow.delete(code)
      return
    }

    if (isDown && code === chord.key && this.modifiersSatisfied()) {
      this.fireChord(code)
      return
    }

    if (this.held.length === 0) {
      if (isDown && this.chordModifiers.has(code)) {
        this.down.add(code)
        this.held.push({raw, ts})
        return
      }

      this.emit(raw, ts)
      return
    }

    // Holding: a chord modifier going down (or repeating) keeps the hold going.
    if (isDown && this.chordModifiers.has(code)) {
      this.down.add(code)
      this.held.push({raw, ts})
      return
    }

    // Another key, or a held modifier released: this was ordinary typing after all.
    if (isDown || (isUp && this.down.has(code))) {
      this.release()
      this.emit(raw, ts)
      return
    }

    // Mouse input, or the release of a key pressed before the hold: keep order, keep holding.
    this.held.push({raw, ts})
    if (this.held.length >= MAX_HELD) this.release()
  }

  /** Let everything held go, in order (before a pause from the CLI, a chord change, a stop). */
  release(): void {
    const {held} = this
    if (held.length === 0) return
    this.held = []
    this.down.clear()
    for (const {raw, ts} of held) this.emit(raw, ts)
  }

  /** Every modifier group of the chord has a key down: in the current hold, or still down from the last chord. */
  private modifiersSatisfied(): boolean {
    const chord = this.chord!
    for (const group of chord.modifiers) {
      const codes = MODIFIER_CODES[group]
      if (!codes.some(code => this.down.has(code) || this.swallow.has(code))) return false
    }

    return true
  }

  private fireChord(key: number): void {
    for (const code of this.down) this.swallow.add(code)
    this.swallow.add(key)
    const {held} = this
    this.held = []
    this.down.clear()
    // The chord's own key events go; anything else that was held (mouse moves) is released.
    for (const {raw, ts} of held) {
      const kind = kindOf(raw)
      const isKey = kind === 'key_down' || kind === 'key_up'
      if (!(isKey && this.chordModifiers.has(raw.keycode ?? -1))) this.emit(raw, ts)
    }

    this.fire()
  }
}
