/**
 * Kernel key codes (linux/input-event-codes.h `KEY_*`) to uiohook key codes (libuiohook `VC_*`),
 * so an evdev key press stores the same `key_class`, and at `full` the same `key_code`, as the X11
 * backend: one query works on both.
 *
 * The X11 backend gets the kernel's code plus 8 from the X server (the evdev keymap) and turns it
 * into a VC code with libuiohook's own table; this is that table, indexed by the kernel code.
 * Where libuiohook has no VC code the X11 backend delivers 0 (VC_UNDEFINED), and so does this one
 * (KEY_102ND, the ISO key left of Z, is among them). test/unit/evdev-kernel-keys.test.ts checks
 * every entry against the libuiohook source shipped in uiohook-napi.
 */
const UNDEFINED = 0

const TABLE = new Map<number, number>([
  // KEY_ESC (1) … KEY_KPDOT (83) and KEY_F11, KEY_F12: the kernel kept the PC scan codes, as did libuiohook.
  ...Array.from({length: 83}, (_, index): [number, number] => [index + 1, index + 1]),
  [87, 87],
  [88, 88],
  [90, 0x70], // KEY_KATAKANA
  [91, 0x7B], // KEY_HIRAGANA
  [92, 0x79], // KEY_HENKAN → VC_KANJI
  [95, 0x7E], // KEY_KPJPCOMMA
  [96, 0x0E_1C], // KEY_KPENTER
  [97, 0x0E_1D], // KEY_RIGHTCTRL
  [98, 0x0E_35], // KEY_KPSLASH
  [99, 0x0E_37], // KEY_SYSRQ (print screen)
  [100, 0x0E_38], // KEY_RIGHTALT
  [102, 0x0E_47], // KEY_HOME
  [103, 0xE0_48], // KEY_UP
  [104, 0x0E_49], // KEY_PAGEUP
  [105, 0xE0_4B], // KEY_LEFT
  [106, 0xE0_4D], // KEY_RIGHT
  [107, 0x0E_4F], // KEY_END
  [108, 0xE0_50], // KEY_DOWN
  [109, 0x0E_51], // KEY_PAGEDOWN
  [110, 0x0E_52], // KEY_INSERT
  [111, 0x0E_53], // KEY_DELETE
  [113, 0xE0_20], // KEY_MUTE
  [114, 0xE0_2E], // KEY_VOLUMEDOWN
  [115, 0xE0_30], // KEY_VOLUMEUP
  [116, 0xE0_5E], // KEY_POWER
  [117, 0x0E_0D], // KEY_KPEQUAL
  [119, 0x0E_45], // KEY_PAUSE
  [124, 0x7D], // KEY_YEN
  [125, 0x0E_5B], // KEY_LEFTMETA
  [126, 0x0E_5C], // KEY_RIGHTMETA
  [127, 0x0E_5D], // KEY_COMPOSE (context menu)
  [128, 0xFF_78], // KEY_STOP
  [129, 0xFF_79], // KEY_AGAIN
  [130, 0xFF_76], // KEY_PROPS
  [131, 0xFF_7A], // KEY_UNDO
  [132, 0xFF_77], // KEY_FRONT
  [133, 0xFF_7C], // KEY_COPY
  [134, 0xFF_74], // KEY_OPEN
  [135, 0xFF_7D], // KEY_PASTE
  [136, 0xFF_7E], // KEY_FIND
  [137, 0xFF_7B], // KEY_CUT
  [138, 0xFF_75], // KEY_HELP
  [140, 0xE0_21], // KEY_CALC
  [142, 0xE0_5F], // KEY_SLEEP
  [158, 0xE0_6C], // KEY_BACK (libuiohook names it VC_APP_MAIL)
  [159, 0xE0_22], // KEY_FORWARD (libuiohook names it VC_MEDIA_PLAY)
  [178, 0xE0_32], // KEY_SCROLLDOWN (libuiohook names it VC_BROWSER_HOME)
  // KEY_F13 … KEY_F24
  ...[0x5B, 0x5C, 0x5D, 0x63, 0x64, 0x65, 0x66, 0x67, 0x68, 0x69, 0x6A, 0x6B].map((code, index): [number, number] => [183 + index, code]),
  [217, 0xE0_65], // KEY_SEARCH
  [218, 0x0E_46], // KEY_CHARSET (libuiohook names it VC_LESSER_GREATER)
])

/** KEY_KP1 … KEY_KP0 and KEY_KPDOT: with Num Lock off they are navigation keys (End, Down, …). */
const NUMPAD_NAVIGATION = new Set([71, 72, 73, 75, 76, 77, 79, 80, 81, 82, 83])

/** libuiohook marks a numpad key pressed with Num Lock off by this prefix (VC_KP_END = 0xEE00 | VC_KP_1). */
const NUMPAD_NAVIGATION_PREFIX = 0xEE_00

/** The uiohook code the X11 backend would deliver for this kernel key code (0 when it has none). */
export function uiohookKeyOf(kernelCode: number, numLock: boolean): number {
  const code = TABLE.get(kernelCode) ?? UNDEFINED
  if (!numLock && NUMPAD_NAVIGATION.has(kernelCode)) return NUMPAD_NAVIGATION_PREFIX | code
  return code
}

/** Every kernel code with a uiohook code (for tests and documentation). */
export function mappedKernelKeys(): number[] {
  return [...TABLE.keys()]
}
