/** The kinds of row in the public `events` table. */
export const EVENT_KINDS = ['key_down', 'key_up', 'mouse_move', 'mouse_down', 'mouse_up', 'wheel'] as const
export type EventKind = (typeof EVENT_KINDS)[number]
