import type {KeyClass} from './event.js'

/**
 * Key classes over uiohook (libuiohook "VC_*") key codes. A class says what kind of key was
 * pressed without saying which one, so `standard` can measure rhythm and corrections without
 * recording text.
 */
const LETTERS = [
  16,
  17,
  18,
  19,
  20,
  21,
  22,
  23,
  24,
  25, // q w e r t y u i o p
  30,
  31,
  32,
  33,
  34,
  35,
  36,
  37,
  38, // a s d f g h j k l
  44,
  45,
  46,
  47,
  48,
  49,
  50, // z x c v b n m
]
const DIGITS = [2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 71, 72, 73, 75, 76, 77, 79, 80, 81, 82]
const PUNCTUATION = [
  12,
  13,
  26,
  27,
  39,
  40,
  41,
  43,
  51,
  52,
  53, // - = [ ] ; ' ` \ , . /
  55,
  74,
  78,
  83,
  3637, // numpad * - + . /
  86, // the extra key left of Z on ISO keyboards
]
const MODIFIERS = [29, 3613, 42, 54, 56, 3640, 3675, 3676, 58, 69, 70, 3677] // ctrl shift alt meta, locks, context menu
const NAVIGATION = [
  3655,
  3657,
  3663,
  3665, // home page-up end page-down
  57_416,
  57_419,
  57_421,
  57_424, // arrows
  15,
  28,
  3612, // tab, enter, numpad enter
  0xEE_47,
  0xEE_48,
  0xEE_49,
  0xEE_4B,
  0xEE_4D,
  0xEE_4F,
  0xEE_50,
  0xEE_51, // numpad navigation: 0xEE00 + scan code
]
const CORRECTION = [14, 3667, 0xEE_53] // backspace, delete, numpad delete
const FUNCTION_KEYS = [1, 59, 60, 61, 62, 63, 64, 65, 66, 67, 68, 87, 88, 91, 92, 93, 99, 100, 101, 102, 103, 104, 105, 106, 107, 3639, 3653]
const SPACE = [57]

const TABLE = new Map<number, KeyClass>()
for (const [codes, keyClass] of [
  [LETTERS, 'letter'],
  [DIGITS, 'digit'],
  [PUNCTUATION, 'punctuation'],
  [MODIFIERS, 'modifier'],
  [NAVIGATION, 'navigation'],
  [CORRECTION, 'correction'],
  [FUNCTION_KEYS, 'function'],
  [SPACE, 'space'],
] as const) {
  for (const code of codes) TABLE.set(code, keyClass)
}

export function keyClassOf(keyCode: number): KeyClass {
  return TABLE.get(keyCode) ?? 'other'
}
