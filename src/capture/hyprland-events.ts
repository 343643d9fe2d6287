/**
 * Hyprland's event socket (`.socket2.sock`, pure parsing here: unit-tested on recorded lines).
 * It writes one event a line, `NAME>>DATA`; focus moves arrive as a pair:
 *
 *   activewindow>>foot,~/src/devtrace        (class, then the title, which may hold commas)
 *   activewindowv2>>55d4c8a3b2e0             (the window's address, hex without 0x)
 *   activewindow>>,                          (nothing focused: an empty workspace)
 *   activewindowv2>>
 *
 * Hyprland sends `activewindow` again when the focused window's title changes. The request
 * socket (`.socket.sock`) answers `j/activewindow` with the focused window as JSON, which is how
 * the tracker learns who has focus when it starts (`{}` when nobody does).
 */

export type HyprlandChange = {kind: 'active'; app: null | string; title: null | string} | {kind: 'address'; id: null | number}

/** Longest event line kept; a longer one (a pathological title) is skipped, not buffered. */
export const MAX_HYPRLAND_LINE = 64 * 1024

export function parseHyprlandLine(line: string): HyprlandChange | undefined {
  const separator = line.indexOf('>>')
  if (separator === -1) return undefined
  const name = line.slice(0, separator)
  const data = line.slice(separator + 2)
  if (name === 'activewindow') {
    const comma = data.indexOf(',')
    const app = comma === -1 ? data : data.slice(0, comma)
    const title = comma === -1 ? '' : data.slice(comma + 1)
    return {kind: 'active', app: app || null, title: app ? (title || null) : null}
  }

  if (name === 'activewindowv2') return {kind: 'address', id: parseAddress(data)}
  return undefined
}

function parseAddress(text: string): null | number {
  const hex = text.trim().replace(/^0x/i, '')
  if (!/^[\da-f]{1,13}$/i.test(hex)) return null
  return Number.parseInt(hex, 16)
}

/** `j/activewindow`'s answer: the focused window, or null for `{}`, an empty answer or garbage. */
export function parseHyprlandActiveWindow(json: string): {app: null | string; title: null | string; id: null | number} {
  let value: unknown
  try {
    value = JSON.parse(json)
  } catch {
    value = undefined
  }

  const window = (value && typeof value === 'object' ? value : {}) as {address?: unknown; class?: unknown; initialClass?: unknown; title?: unknown}
  const text = (field: unknown): null | string => (typeof field === 'string' && field !== '' ? field : null)
  const app = text(window.class) ?? text(window.initialClass)
  return {
    app,
    title: app ? text(window.title) : null,
    id: typeof window.address === 'string' ? parseAddress(window.address) : null,
  }
}

/**
 * Splits a byte stream into lines, keeping at most MAX_HYPRLAND_LINE characters of an
 * unfinished one: the rest of an over-long line is dropped up to its newline.
 */
export class LineSplitter {
  private partial = ''
  private skipping = false

  push(chunk: string): string[] {
    const parts = (this.partial + chunk).split('\n')
    this.partial = parts.pop() ?? ''
    const lines: string[] = []
    for (const part of parts) {
      if (this.skipping) this.skipping = false
      else lines.push(part)
    }

    if (this.partial.length > MAX_HYPRLAND_LINE) {
      this.partial = ''
      this.skipping = true
    }

    return lines
  }
}
