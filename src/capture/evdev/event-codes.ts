/**
 * The kernel's input event codes we read (linux/input-event-codes.h): types, and the codes of
 * the types we handle. Only what devtrace uses is named here.
 */
export const EV_SYN = 0x00
export const EV_KEY = 0x01
export const EV_REL = 0x02
export const EV_ABS = 0x03
export const EV_LED = 0x11

export const SYN_REPORT = 0
export const SYN_DROPPED = 3

export const REL_X = 0x00
export const REL_Y = 0x01
export const REL_HWHEEL = 0x06
export const REL_WHEEL = 0x08
export const REL_WHEEL_HI_RES = 0x0B
export const REL_HWHEEL_HI_RES = 0x0C

export const ABS_X = 0x00
export const ABS_Y = 0x01

export const BTN_LEFT = 0x1_10
export const BTN_RIGHT = 0x1_11
export const BTN_MIDDLE = 0x1_12
export const BTN_SIDE = 0x1_13
export const BTN_EXTRA = 0x1_14
export const BTN_TOOL_FINGER = 0x1_45
export const BTN_TOUCH = 0x1_4A
export const BTN_TOOL_DOUBLETAP = 0x1_4D
export const BTN_TOOL_TRIPLETAP = 0x1_4E
export const BTN_TOOL_QUADTAP = 0x1_4F
export const BTN_TOOL_QUINTTAP = 0x1_48

/** Key codes below BTN_MISC and from KEY_OK up are keyboard keys; the range between is buttons. */
export const BTN_MISC = 0x1_00
export const KEY_OK = 0x1_60

export const LED_NUML = 0x00

/** A high-resolution wheel reports this many units per notch (a plain wheel reports 1). */
export const HI_RES_PER_NOTCH = 120

/** INPUT_PROP_DIRECT: a touchscreen or tablet, where a touch is a position, not pointer motion. */
export const INPUT_PROP_DIRECT = 0x01
