/**
 * Text that other programs chose (app classes, window titles, query results, paths) made safe
 * to print on a terminal. A control character in it could clear the screen (`ESC[2J`), move the
 * cursor, retitle the window or, as a tab or newline, break a table row; shown raw it would act,
 * not read.
 *
 * The rule: every C0 control (U+0000–U+001F), DEL (U+007F) and C1 control (U+0080–U+009F) is
 * written as `\xNN`, its code in two hex digits, so `ESC[2J` prints as `\x1b[2J`, a tab as
 * `\x09` and a newline as `\x0a`. An escape sequence then loses its first byte and is left as
 * harmless visible text. Everything else, including non-ASCII letters and emoji, is unchanged.
 *
 * Only human-readable output goes through this (tables, status lines, error messages);
 * `--json` and `--csv` stay byte-exact.
 */

// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001F\u007F-\u009F]/g

export function safeText(text: string): string {
  return text.replaceAll(CONTROL, char => `\\x${char.codePointAt(0)!.toString(16).padStart(2, '0')}`)
}

/** The same for text whose line breaks are meant (oclif's own usage errors): each line made safe. */
export function safeLines(text: string): string {
  return text.split('\n').map(line => safeText(line)).join('\n')
}
