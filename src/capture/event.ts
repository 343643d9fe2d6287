import type {EventKind} from '../core/event-kind.js'

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
  /** On `key_up`: ms the key was held (its press paired by code as it arrived); null otherwise or when unknown. */
  holdMs: null | number
}
