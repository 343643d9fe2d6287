/** One row of the public `events` table, as the capture side produces it. */
export const EVENT_KINDS = ['key_down', 'key_up', 'mouse_move', 'mouse_down', 'mouse_up', 'wheel'] as const
export type EventKind = (typeof EVENT_KINDS)[number]

export const KEY_CLASSES = [
  'letter',
  'digit',
  'space',
  'punctuation',
  'modifier',
  'navigation',
  'correction',
  'function',
  'other',
] as const
export type KeyClass = (typeof KEY_CLASSES)[number]

export type WheelDirection = 'down' | 'left' | 'right' | 'up'

export interface CapturedEvent {
  /** Wall-clock microseconds since the Unix epoch, taken by the daemon at receipt. */
  tsMicros: number
  kind: EventKind
  keyCode: null | number
  keyClass: KeyClass | null
  x: null | number
  y: null | number
  button: null | number
  wheelAmount: null | number
  wheelDirection: null | WheelDirection
  modifiers: null | string
  app: null | string
}
