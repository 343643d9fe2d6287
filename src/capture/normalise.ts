import type {EventKind} from '../core/event-kind.js'
import type {Level} from '../core/level.js'
import type {CapturedEvent, WheelDirection} from './event.js'

import {keyClassOf} from './key-class.js'
import {
  KEY_PRESSED, KEY_RELEASED, MOUSE_DRAGGED, MOUSE_MOVED, MOUSE_PRESSED, MOUSE_RELEASED, MOUSE_WHEEL, WHEEL_VERTICAL,
} from './uiohook-types.js'

/** The fields of a uiohook event we read (uiohook-napi builds a fresh object per event; evdev builds its own). */
export interface RawInput {
  type: number
  keycode?: number
  x?: number
  y?: number
  button?: unknown
  amount?: number
  rotation?: number
  direction?: number
  altKey?: boolean
  ctrlKey?: boolean
  metaKey?: boolean
  shiftKey?: boolean
  /** Milliseconds on the input system's own clock (X server time, kernel time), when the backend has one. */
  time?: number
  /** The backend marks this press as auto-repeat (evdev); X11 repeats are found by KeyPairing. */
  repeat?: boolean
  /** Set on a release by KeyPairing: how long the key was held (null when its press was not seen). */
  holdMs?: null | number
}

// MOUSE_CLICKED duplicates a press and release and is not stored.
const KIND_BY_TYPE: Record<number, EventKind | undefined> = {
  [KEY_PRESSED]: 'key_down',
  [KEY_RELEASED]: 'key_up',
  [MOUSE_PRESSED]: 'mouse_down',
  [MOUSE_RELEASED]: 'mouse_up',
  [MOUSE_MOVED]: 'mouse_move',
  [MOUSE_DRAGGED]: 'mouse_move',
  [MOUSE_WHEEL]: 'wheel',
}

export function kindOf(raw: RawInput): EventKind | undefined {
  return KIND_BY_TYPE[raw.type]
}

/**
 * The `modifiers` text for each combination of held modifiers (bit 0 ctrl, 1 alt, 2 shift,
 * 3 meta), built once: a lookup per event instead of an array and a join.
 */
const MODIFIER_TEXT: ReadonlyArray<null | string> = Array.from({length: 16}, (_, bits) => {
  const held = ['ctrl', 'alt', 'shift', 'meta'].filter((_, bit) => bits & (1 << bit))
  return held.length > 0 ? held.join('+') : null
})

function modifiersOf(raw: RawInput): null | string {
  return MODIFIER_TEXT[(raw.ctrlKey ? 1 : 0) | (raw.altKey ? 2 : 0) | (raw.shiftKey ? 4 : 0) | (raw.metaKey ? 8 : 0)]
}

function wheelDirectionOf(raw: RawInput): WheelDirection {
  const negative = (raw.rotation ?? 0) < 0
  if (raw.direction === WHEEL_VERTICAL) return negative ? 'up' : 'down'
  return negative ? 'left' : 'right'
}

/**
 * Turn one hook event into an `events` row, keeping only what the capture level allows.
 * `minimal` keeps time and kind; `standard` adds classes, positions and buttons; only `full`
 * keeps the key code, which is enough to reconstruct typed text. The hold time of a release
 * (paired by KeyPairing before this) is kept from `standard` up: a timing, not an identity.
 */
export function normalise(raw: RawInput, level: Level, tsMicros: number, app: null | string = null): CapturedEvent | undefined {
  const kind = kindOf(raw)
  if (!kind) return undefined
  const row: CapturedEvent = {
    tsMicros,
    kind,
    keyCode: null,
    keyClass: null,
    x: null,
    y: null,
    button: null,
    wheelAmount: null,
    wheelDirection: null,
    modifiers: null,
    app: null,
    holdMs: null,
  }
  if (level === 'minimal') return row

  row.app = app
  row.modifiers = modifiersOf(raw)
  if (kind === 'key_down' || kind === 'key_up') {
    const code = raw.keycode ?? 0
    row.keyClass = keyClassOf(code)
    if (level === 'full') row.keyCode = code
    if (kind === 'key_up') row.holdMs = raw.holdMs ?? null
    return row
  }

  row.x = raw.x ?? null
  row.y = raw.y ?? null
  if (kind === 'mouse_down' || kind === 'mouse_up') row.button = typeof raw.button === 'number' ? raw.button : null
  if (kind === 'wheel') {
    row.wheelAmount = Math.abs(raw.rotation ?? 0)
    row.wheelDirection = wheelDirectionOf(raw)
  }

  return row
}
