/**
 * Parsing `xprop` output, one line at a time (pure: unit-tested without an X server).
 *
 *   _NET_ACTIVE_WINDOW(WINDOW): window id # 0x80000c
 *   _NET_CLIENT_LIST(WINDOW): window id # 0x400030, 0x80000c
 *   WM_CLASS(STRING) = "xterm", "DevAlpha"
 *   _NET_WM_NAME(UTF8_STRING) = "notes.txt — editor"
 *   WM_NAME(STRING) = "caf\303\251"            (bytes xprop could not print in its locale)
 *   _NET_WM_NAME:  not found.
 *   _NET_WM_PID:  no such atom on any window.
 */

interface MissingProperty {name: string; missing: true}
interface PropertyValue {
  name: string
  type: string
  strings: string[]
  missing: false
  /** For WINDOW properties: the first id (null for 0x0 / none) and all of them (_NET_CLIENT_LIST). */
  window?: null | number
  windows?: number[]
}
export type XpropLine = MissingProperty | PropertyValue

const PROPERTY = /^(?<name>[A-Z_][\w]*)(?:\((?<type>[\w]+)\))?(?<rest>.*)$/

export function parseXpropLine(line: string): undefined | XpropLine {
  const match = PROPERTY.exec(line.trim())
  if (!match?.groups) return undefined
  const {name, type, rest} = match.groups
  if (!type) {
    // "NAME:  not found." / "NAME:  no such atom on any window."
    return /^:\s+(?:not found|no such atom)/.test(rest) ? {name, missing: true} : undefined
  }

  const windowMatch = /^:\s+window id #\s+(?<ids>.*)$/i.exec(rest)
  if (windowMatch?.groups) {
    const ids = windowMatch.groups.ids.split(',').map(id => Number(id.trim())).filter(id => Number.isInteger(id) && id > 0)
    return {
      name, type, strings: [], missing: false, window: ids[0] ?? null, windows: ids,
    }
  }

  const valueMatch = /^\s*=\s?(?<value>.*)$/.exec(rest)
  if (!valueMatch?.groups) return undefined
  return {
    name, type, strings: parseQuotedStrings(valueMatch.groups.value), missing: false,
  }
}

/**
 * `"a", "b \"c\""` → ['a', 'b "c"']. xprop escapes `"` and `\`, writes control characters as
 * `\n`-style escapes and bytes it cannot print in its locale as octal (`\303\251`); the bytes of
 * one string are collected and decoded as UTF-8, so both spellings give the same text.
 */
export function parseQuotedStrings(text: string): string[] {
  const strings: string[] = []
  let i = 0
  while (i < text.length) {
    const open = text.indexOf('"', i)
    if (open === -1) break
    const bytes: number[] = []
    let j = open + 1
    for (; j < text.length && text[j] !== '"'; j++) {
      const char = text[j]
      if (char !== '\\' || j + 1 >= text.length) {
        pushUtf8(bytes, text.codePointAt(j)!)
        if (text.codePointAt(j)! > 0xFF_FF) j++ // the second half of a surrogate pair
        continue
      }

      const next = text[j + 1]
      const octal = /^[0-7]{1,3}/.exec(text.slice(j + 1, j + 4))
      if (octal) {
        bytes.push(Number.parseInt(octal[0], 8) & 0xFF)
        j += octal[0].length
      } else {
        pushUtf8(bytes, (ESCAPES[next] ?? next).codePointAt(0)!)
        j += 1
      }
    }

    strings.push(Buffer.from(bytes).toString('utf8'))
    i = j + 1
  }

  return strings
}

const ESCAPES: Record<string, string> = {
  n: '\n', t: '\t', r: '\r', b: '\b', f: '\f', v: '\v', a: '\u0007', e: '\u001B',
}

function pushUtf8(bytes: number[], codePoint: number): void {
  if (codePoint < 0x80) bytes.push(codePoint)
  else bytes.push(...Buffer.from(String.fromCodePoint(codePoint), 'utf8'))
}

/** The window's identity from its properties: WM_CLASS is (instance, class). */
export interface WindowProperties {
  instance: null | string
  app: null | string
  /** _NET_WM_NAME (UTF-8) when the window has it, else WM_NAME. */
  title: null | string
}

/** Fold one property line into what we know about a window; returns whether it was one we asked for. */
export function applyWindowProperty(properties: WindowProperties & {netName?: null | string; wmName?: null | string}, line: XpropLine): boolean {
  switch (line.name) {
  case '_NET_WM_NAME': {
    properties.netName = line.missing ? null : (line.strings[0] ?? null)
    properties.title = properties.netName ?? properties.wmName ?? null
    return true
  }

  case 'WM_CLASS': {
    const [instance, app] = line.missing ? [] : line.strings
    properties.instance = instance || null
    properties.app = app || instance || null
    return true
  }

  case 'WM_NAME': {
    properties.wmName = line.missing ? null : (line.strings[0] ?? null)
    properties.title = properties.netName ?? properties.wmName ?? null
    return true
  }

  default: {
    return false
  }
  }
}
