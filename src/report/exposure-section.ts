import {type ProfileExposure, SIGNAL_MEANINGS, SIGNALS} from '../privacy/exposure.js'
import {describeReidentification, formatRate, PROFILE_LABELS} from '../ui/exposure-view.js'
import {escapeHtml} from './html.js'

/**
 * The report's "What each profile exposes" section: signals × profiles, the re-identification
 * rate next to chance, and what both mean in plain words. Same numbers as `devtrace exposure`.
 */
export function exposureSection(exposure: readonly ProfileExposure[]): string {
  const head = exposure.map(entry => `<th>${escapeHtml(PROFILE_LABELS[entry.profile])}</th>`).join('')
  const cell = (on: boolean): string => (on ? '<td><strong>yes</strong></td>' : '<td class="empty">—</td>')
  const rows = SIGNALS.map(signal => {
    const name = `<td><code>${signal}</code><br>${escapeHtml(SIGNAL_MEANINGS[signal])}</td>`
    return `<tr>${name}${exposure.map(entry => cell(entry.signals[signal])).join('')}</tr>`
  })
  const rates = exposure.map(entry => `<td>${escapeHtml(formatRate(entry.reidentification))}</td>`).join('')
  rows.push(`<tr><td><strong>re-identification</strong><br>share of your days picked out of the crowd</td>${rates}</tr>`)
  const crowd = exposure[0]?.reidentification.crowd ?? 0
  const seed = exposure[0]?.reidentification.seed ?? 0
  const results = exposure.map(entry => `<li><strong>${escapeHtml(PROFILE_LABELS[entry.profile])}</strong>: ${escapeHtml(describeReidentification(entry.reidentification))}</li>`).join('')
  return `<section id="exposure"><h2>What each redaction profile exposes</h2>
<p class="lede">What someone receiving your data could compute from it, for each profile of <code>devtrace export --redact</code> and <code>upload</code>
("none" is your data as stored). Each answer comes from reading that profile's actual output over your data, not from a list.</p>
<table class="data" id="table-exposure"><thead><tr><th>signal</th>${head}</tr></thead><tbody>${rows.join('')}</tbody></table>
<p>Re-identification asks: if someone held some of your days, could they pick out your other days by typing rhythm alone?
Your first days (half of them) make a template of your rhythm: the typical time between kinds of keys, and how long you hold them.
Each later day is compared with your template and with the templates of ${crowd} other typists, using a standard keystroke verifier
(scaled Manhattan distance, Killourhy &amp; Maxion 2009). The rate is how often your own template was the closest; chance is one in ${crowd + 1}.
The other typists are simulated, not real people: their rhythms are drawn from published ranges (holds of about 80–120 ms, key-to-key
times of about 100–300 ms, from the CMU keystroke benchmark), with the same random seed (${seed}) every time.</p>
<ul>${results}</ul></section>
`
}
