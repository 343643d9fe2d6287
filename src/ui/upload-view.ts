import type {Io} from '../core/io.js'
import type {UploadPreview} from '../transfer/upload-preview.js'

import {PROFILE_SUMMARIES} from '../privacy/profiles.js'
import {localTime} from './event-format.js'
import {formatBytes} from './format.js'

/** What `devtrace upload` shows a person: the preview they consent to, and progress while sending. */

/** Below this a payload is sent before a progress line would be read. */
const PROGRESS_MIN_BYTES = 1024 * 1024

function describeRange(preview: UploadPreview): string {
  const end = localTime(preview.range_end)
  return preview.range_start ? `${localTime(preview.range_start)} → ${end} (local time)` : `everything recorded before ${end} (local time)`
}

function describeMethod(preview: UploadPreview): string {
  return preview.method === 'put'
    ? 'PUT to a presigned URL (headers: Content-Type, Content-Length, User-Agent)'
    : 'POST (with X-Devtrace-Sha256 and Idempotency-Key)'
}

function describeToken(preview: UploadPreview): string {
  if (preview.token) return 'DEVTRACE_UPLOAD_TOKEN is set: sent as Authorization: Bearer (not shown)'
  if (preview.method === 'put') {
    const set = preview.token_unused ? 'DEVTRACE_UPLOAD_TOKEN is set but ' : ''
    return `${set}not sent: with --method put the URL's query string is the credential (no Authorization header)`
  }

  return 'none (DEVTRACE_UPLOAD_TOKEN is not set)'
}

/** `exposure`: the one line saying what the payload lets a recipient compute (ui/exposure-view.ts). */
export function renderPreview(preview: UploadPreview, exposure?: string): string {
  const lines = [
    'Upload preview (nothing has been sent):',
    `  destination  ${preview.destination}${preview.query_hidden ? ' (and a query string, not shown)' : ''}`,
    `  method       ${describeMethod(preview)}`,
    `  range        ${describeRange(preview)}`,
    `  profile      ${preview.profile}: ${PROFILE_SUMMARIES[preview.profile]}`,
    ...(exposure ? [`  exposure     ${exposure}`] : []),
    `  format       ${preview.format} (${preview.content_type})`,
    `  rows         ${preview.rows}`,
    `  columns      ${preview.columns.join(', ')}`,
    `  size         ${formatBytes(preview.bytes)} (${preview.bytes} bytes)`,
    `  sha256       ${preview.sha256}`,
    `  token        ${describeToken(preview)}`,
  ]
  if (preview.sample.length > 0) {
    lines.push(`  sample       the first ${preview.sample.length} of ${preview.rows} rows:`)
    for (const row of preview.sample) lines.push(`    ${JSON.stringify(row)}`)
  }

  return lines.join('\n')
}

/** A sending… line on a terminal's stderr, rewritten in place at most every 250 ms, erased when done. */
export function progressReporter(stream: Io['stderr'], bytes: number): {stop(): void; update(sent: number): void} {
  if (!stream.isTTY || bytes < PROGRESS_MIN_BYTES) return {stop() {}, update() {}}
  let last = 0
  let shown = false
  return {
    update(sent) {
      const now = Date.now()
      if (now - last < 250 && sent < bytes) return
      last = now
      shown = true
      stream.write(`\r\u001B[Ksending… ${formatBytes(sent)} of ${formatBytes(bytes)} (${Math.floor((sent / bytes) * 100)}%)`)
    },
    stop() {
      if (shown) stream.write('\r\u001B[K')
    },
  }
}

