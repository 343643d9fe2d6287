/** Small terminal charts in plain Unicode (no colour here; callers colour the result). */

const SPARKS = '▁▂▃▄▅▆▇█'
const EIGHTHS = ['', '▏', '▎', '▍', '▌', '▋', '▊', '▉']

/** One character per value, scaled to the largest; zero is a blank so quiet stretches stand out. */
export function sparkline(values: readonly number[], max = Math.max(0, ...values)): string {
  return values
  .map(value => {
    if (value <= 0 || max <= 0) return ' '
    const level = Math.min(SPARKS.length - 1, Math.floor((value / max) * SPARKS.length))
    return SPARKS[Math.max(0, level)]
  })
  .join('')
}

/** A horizontal bar `width` cells long at `max`, in eighths of a cell; any value above zero shows. */
export function bar(value: number, max: number, width: number): string {
  if (value <= 0 || max <= 0) return ''
  const eighths = Math.max(1, Math.round((Math.min(value, max) / max) * width * 8))
  return '█'.repeat(Math.floor(eighths / 8)) + EIGHTHS[eighths % 8]
}

export function formatCount(value: number): string {
  return Math.round(value).toLocaleString('en-US')
}

/** 3 h 05 min, 4 min 09 s, 12.3 s. */
export function formatSeconds(seconds: number): string {
  if (seconds < 60) return `${seconds < 10 ? seconds.toFixed(1) : Math.round(seconds)} s`
  const total = Math.round(seconds)
  const h = Math.floor(total / 3600)
  const m = Math.floor((total % 3600) / 60)
  const s = total % 60
  if (h > 0) return `${h} h ${String(m).padStart(2, '0')} min`
  return `${m} min ${String(s).padStart(2, '0')} s`
}

export function formatPercent(ratio: number, digits = 1): string {
  return `${(ratio * 100).toFixed(digits)} %`
}
