import {readFileSync, statSync} from 'node:fs'

import {formatBytes} from './format.js'

/**
 * A one-line progress note on stderr while an export runs (in the daemon or in this process):
 * only on a terminal, only once it has taken longer than `afterMs`, rewritten in place and
 * erased when done. Shows DuckDB's own progress when the export reports it (`progressFile`),
 * else the bytes written so far (`file`).
 */
export function watchProgress(
  files: {file: string; progressFile?: string},
  label: string,
  options: {afterMs?: number; everyMs?: number; stream?: {readonly isTTY: boolean; write(text: string): void}} = {},
): {stop(): void} {
  const stream = options.stream ?? process.stderr
  if (!stream.isTTY) return {stop() {}}
  const started = Date.now()
  let shown = false
  const tick = (): void => {
    const seconds = Math.round((Date.now() - started) / 1000)
    const done = reported(files.progressFile)
    const amount = done ?? `${formatBytes(sizeOf(files.file))} written`
    stream.write(`\r\u001B[K${label}… ${amount} (${seconds} s)`)
    shown = true
  }

  let timer: NodeJS.Timeout | undefined
  const delay = setTimeout(() => {
    tick()
    timer = setInterval(tick, options.everyMs ?? 250)
  }, options.afterMs ?? 1000)
  return {
    stop() {
      clearTimeout(delay)
      clearInterval(timer)
      if (shown) stream.write('\r\u001B[K')
    },
  }
}

function sizeOf(file: string): number {
  try {
    return statSync(file).size
  } catch {
    return 0
  }
}

function reported(file: string | undefined): string | undefined {
  if (!file) return undefined
  try {
    const progress = JSON.parse(readFileSync(file, 'utf8')) as {percentage?: number; phase?: string; rows?: number; total?: number}
    if (progress.phase === 'hashing') return 'written; computing its sha256 for the ledger'
    if (typeof progress.percentage !== 'number') return undefined
    const rows = typeof progress.rows === 'number' && typeof progress.total === 'number' && progress.total > 0
      ? ` (${progress.rows.toLocaleString('en-US')} of ${progress.total.toLocaleString('en-US')} rows read)`
      : ''
    return `${Math.floor(progress.percentage)}%${rows}`
  } catch {
    return undefined
  }
}
