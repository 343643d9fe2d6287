import {writeFileSync} from 'node:fs'

import type {Reader, SummaryOptions} from '../analysis/summary.js'

import {computeReportData} from '../analysis/report-data.js'
import {computeExposure} from '../privacy/exposure.js'
import {exposureSection} from './exposure-section.js'
import {renderReport} from './html.js'

/** Compute the report data through `store` and write the HTML to `file` (mode 0600: it describes you). */
export async function writeReport(store: Reader, file: string, options: SummaryOptions): Promise<{bytes: number; events: number; file: string}> {
  const data = await computeReportData(store, options)
  const exposure = await computeExposure(store, {...options, timeZone: data.summary.time_zone})
  const html = renderReport(data, exposureSection(exposure))
  writeFileSync(file, html, {mode: 0o600})
  return {file, bytes: Buffer.byteLength(html), events: data.summary.totals.events}
}
