import {safeText} from './safe-text.js'

/** `devtrace config` for a person: a value alone (get), `key = value` (set), or an aligned list. */
export function configText(action: 'get' | 'list' | 'set' | 'unset', entries: Record<string, unknown>): string {
  const pairs = Object.entries(entries)
  if (action === 'get') return formatValue(pairs[0][1])
  if (action === 'set' || action === 'unset') return `${pairs[0][0]} = ${formatValue(pairs[0][1])}`
  const width = Math.max(...pairs.map(([key]) => key.length))
  return pairs.map(([key, value]) => `${key.padEnd(width)}  ${formatValue(value)}`).join('\n')
}

/** A setting for the terminal; values come from config.json, which anything can edit, so made safe. */
function formatValue(value: unknown): string {
  if (value === undefined || value === null) return '(not set)'
  if (Array.isArray(value)) {
    if (value.length === 0) return '(none)'
    // A name with a comma in it would read as two: then the list is shown as the JSON it was given as.
    return safeText(value.some(item => String(item).includes(',')) ? JSON.stringify(value) : value.join(','))
  }

  return safeText(String(value))
}
