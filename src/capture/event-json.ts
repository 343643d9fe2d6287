import type {CapturedEvent} from './event.js'

import {isoFromMicros} from '../core/values.js'

/** An event as `inspect --json` and `--follow` print it: the `events` columns, in order. */
export interface EventJson {
  ts: string
  session_id: number
  kind: string
  key_code: null | number
  key_class: null | string
  x: null | number
  y: null | number
  button: null | number
  wheel_amount: null | number
  wheel_direction: null | string
  modifiers: null | string
  app: null | string
  hold_ms: null | number
}

export const EVENT_COLUMNS = [
  'ts', 'session_id', 'kind', 'key_code', 'key_class', 'x', 'y', 'button', 'wheel_amount', 'wheel_direction', 'modifiers', 'app', 'hold_ms',
] as const

export function eventToJson(event: CapturedEvent, sessionId: number): EventJson {
  return {
    ts: isoFromMicros(event.tsMicros),
    session_id: sessionId,
    kind: event.kind,
    key_code: event.keyCode,
    key_class: event.keyClass,
    x: event.x,
    y: event.y,
    button: event.button,
    wheel_amount: event.wheelAmount,
    wheel_direction: event.wheelDirection,
    modifiers: event.modifiers,
    app: event.app,
    hold_ms: event.holdMs ?? null,
  }
}
