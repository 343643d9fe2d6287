import type {ChalkInstance} from 'chalk'

import type {ExposureReport} from '../privacy/exposure-run.js'
import type {ProfileOrNone} from '../privacy/profiles.js'
import type {Reidentification} from '../privacy/reidentification.js'

import {type ProfileExposure, SIGNAL_MEANINGS, SIGNALS} from '../privacy/exposure.js'
import {formatPercent} from './charts.js'
import {renderTable, styled, type TableCell} from './table.js'

/** What `devtrace exposure` prints, and the one line export and upload previews carry. */

export const PROFILE_LABELS: Record<ProfileOrNone, string> = {
  none: 'none (raw)', keys: 'keys', coarse: 'coarse', aggregate: 'aggregate',
}

/** `100.0 %`, `1.0 % (chance)`, or why there is no rate. */
export function formatRate(reidentification: Reidentification): string {
  const {rate, chance} = reidentification
  if (rate === null) return 'not measurable'
  return rate === chance ? `${formatPercent(rate)} (chance)` : formatPercent(rate)
}

/** Plain words for one profile's re-identification result. */
export function describeReidentification(r: Reidentification): string {
  const chance = formatPercent(r.chance)
  if (r.features === 0) return `nothing to measure a rhythm by: a recipient could only guess (${chance}, chance).`
  if (r.rate === null) return `needs two days with at least 100 key presses each; ${r.days === 1 ? 'one' : 'none'} found.`
  return `${formatPercent(r.rate)} of ${r.test_days} test day${r.test_days === 1 ? '' : 's'} picked out of ${r.crowd + 1} typists, against ${chance} by chance (${r.features} rhythm features).`
}

/** One line: what a recipient of this output could compute, and how well it re-identifies you. */
export function exposureLine(entry: ProfileExposure): string {
  const on = SIGNALS.filter(signal => entry.signals[signal])
  const off = SIGNALS.filter(signal => !entry.signals[signal])
  const r = entry.reidentification
  const rate = r.rate === null ? 're-identification not measurable (under 2 days of typing)' : `re-identification ${formatPercent(r.rate)} vs ${formatPercent(r.chance)} by chance`
  return `a recipient could compute ${on.length > 0 ? on.join(', ') : 'nothing listed'}; not ${off.length > 0 ? off.join(', ') : '—'}; ${rate} (devtrace exposure explains)`
}

export function renderExposure(report: ExposureReport, c: ChalkInstance): string {
  const head = ['', ...report.exposure.map(entry => PROFILE_LABELS[entry.profile])]
  const yes = (on: boolean): TableCell => (on ? styled('yes', c.red) : styled('—', c.green))
  const rows: TableCell[][] = SIGNALS.map(signal => [signal, ...report.exposure.map(entry => yes(entry.signals[signal]))])
  rows.push(['re-identification', ...report.exposure.map(entry => formatRate(entry.reidentification))])
  const [first] = report.exposure
  const lines = [
    c.bold('What a recipient could compute from what each profile writes'),
    `(computed by reading each profile's own output over your data${report.range.since || report.range.until ? ' in the range' : ''}; "none" is export without --redact)`,
    '',
    renderTable(head, rows),
    '',
    c.bold('Signals'),
    ...SIGNALS.map(signal => `  ${signal.padEnd(19)} ${SIGNAL_MEANINGS[signal]}`),
    '',
    c.bold('Re-identification'),
    '  Could someone holding some of your days pick out your other days from typing rhythm alone?',
    `  Your first days enrol a template; each later day is tested against it and ${first ? first.reidentification.crowd : 0} simulated`,
    '  typists (a standard verifier: scaled Manhattan distance, Killourhy & Maxion 2009). The crowd is simulated',
    '  from published ranges (holds ~80–120 ms, key-to-key ~100–300 ms), not real people.',
    ...report.exposure.map(entry => `  ${PROFILE_LABELS[entry.profile].padEnd(11)} ${describeReidentification(entry.reidentification)}`),
  ]
  return `${lines.join('\n')}\n`
}
