import type {Check, CheckStatus} from '../doctor/check.js'

import {colourFor} from './colour.js'
import {safeText} from './safe-text.js'

const LABELS: Record<CheckStatus, string> = {ok: 'ok', warn: 'warn', fail: 'FAIL'}

/** `devtrace doctor` for a person: one line per check (status, name, what was found), its fix beneath. */
export function doctorText(checks: Check[]): string {
  const c = colourFor()
  const paint: Record<CheckStatus, (text: string) => string> = {ok: c.green, warn: c.yellow, fail: c.red}
  const width = Math.max(...checks.map(check => check.name.length))
  const indent = ' '.repeat(4 + 2 + width + 2)
  const lines = checks.flatMap(check => {
    // Paths, app names and tool output come from elsewhere: made safe before colour is added.
    const line = `${paint[check.status](LABELS[check.status].padEnd(4))}  ${check.name.padEnd(width)}  ${safeText(check.detail)}`
    return check.fix ? [line, `${indent}${c.dim('fix:')} ${safeText(check.fix)}`] : [line]
  })
  const failed = checks.filter(check => check.status === 'fail').length
  const warned = checks.filter(check => check.status === 'warn').length
  const summary = failed > 0
    ? c.red(`${failed} check${failed === 1 ? '' : 's'} failed`) + (warned > 0 ? `, ${warned} warning${warned === 1 ? '' : 's'}.` : '.')
    : (warned > 0 ? `No check failed; ${warned} warning${warned === 1 ? '' : 's'}.` : c.green('Every check passed.'))
  return [...lines, '', summary].join('\n')
}
