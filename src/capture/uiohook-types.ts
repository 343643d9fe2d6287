/**
 * libuiohook's event types and wheel directions (uiohook.h), the numbers every capture backend
 * hands the Recorder: uiohook-napi delivers them, the evdev backend and the demo generator
 * produce them. Kept here rather than imported from uiohook-napi, which would load the native
 * hook where none is wanted.
 */
export const KEY_PRESSED = 4
export const KEY_RELEASED = 5
/** Press and release without movement: uiohook reports it, devtrace does not store it. */
export const MOUSE_CLICKED = 6
export const MOUSE_PRESSED = 7
export const MOUSE_RELEASED = 8
export const MOUSE_MOVED = 9
/** A move with a button held. */
export const MOUSE_DRAGGED = 10
export const MOUSE_WHEEL = 11
export const WHEEL_VERTICAL = 3
export const WHEEL_HORIZONTAL = 4
