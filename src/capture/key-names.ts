/**
 * Names for uiohook (libuiohook "VC_*") key codes, for showing key pairs (`summarize --by-key`)
 * on rows that store the code (level `full`). US layout names: the code is a physical key, so on
 * other layouts a name says where the key is, not what it typed.
 */
const ROWS: ReadonlyArray<[number, string]> = [
  ...[...'1234567890'].map((name, index): [number, string] => [2 + index, name]),
  ...[...'qwertyuiop'].map((name, index): [number, string] => [16 + index, name]),
  ...[...'asdfghjkl'].map((name, index): [number, string] => [30 + index, name]),
  ...[...'zxcvbnm'].map((name, index): [number, string] => [44 + index, name]),
  ...Array.from({length: 10}, (_, index): [number, string] => [59 + index, `f${index + 1}`]),
  [87, 'f11'],
  [88, 'f12'],
  [12, '-'],
  [13, '='],
  [26, '['],
  [27, ']'],
  [39, ';'],
  [40, '\''],
  [41, '`'],
  [43, '\\'],
  [51, ','],
  [52, '.'],
  [53, '/'],
  [1, 'escape'],
  [14, 'backspace'],
  [15, 'tab'],
  [28, 'enter'],
  [57, 'space'],
  [58, 'caps_lock'],
  [29, 'ctrl'],
  [3613, 'ctrl_right'],
  [42, 'shift'],
  [54, 'shift_right'],
  [56, 'alt'],
  [3640, 'alt_right'],
  [3675, 'meta'],
  [3676, 'meta_right'],
  [3655, 'home'],
  [3663, 'end'],
  [3657, 'page_up'],
  [3665, 'page_down'],
  [3666, 'insert'],
  [3667, 'delete'],
  [57_416, 'up'],
  [57_419, 'left'],
  [57_421, 'right'],
  [57_424, 'down'],
]

const NAMES = new Map<number, string>(ROWS)

/** The key's name, or `#<code>` for keys without one here. */
export function keyNameOf(keyCode: number): string {
  return NAMES.get(keyCode) ?? `#${keyCode}`
}
