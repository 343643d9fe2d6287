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

/**
 * A one-line note on stderr for work that reports its own steps (a rollup build, the demo's
 * days): only on a terminal, rewritten in place at most every `everyMs`, erased by `stop`.
 * `update` with the latest text; the line appears at the first update after `afterMs`, so work
 * that ends quickly prints nothing (`always`: a new step, shown at once).
 */
export function progressLine(
  stream: {readonly isTTY: boolean; write(text: string): void},
  options: {afterMs?: number; everyMs?: number} = {},
): {stop(): void; update(text: string, always?: boolean): void} {
  if (!stream.isTTY) return {stop() {}, update() {}}
  const started = Date.now()
  const afterMs = options.afterMs ?? 500
  const everyMs = options.everyMs ?? 200
  let shownAt: number | undefined
  return {
    update(text, always = false) {
      const now = Date.now()
      const early = now - started < afterMs || (shownAt !== undefined && now - shownAt < everyMs)
      if (early && !always) return
      stream.write(`\r\u001B[K${text} (${Math.round((now - started) / 1000)} s)`)
      shownAt = now
    },
    stop() {
      if (shownAt !== undefined) stream.write('\r\u001B[K')
      shownAt = undefined
    },
  }
}

type BuildProgress = {events_done: number; events_total: number; percent: number}

/** The line for a rollup build without a daemon (summarize, report). */
export function rollupProgressText(progress: BuildProgress): string {
  const done = progress.events_done.toLocaleString('en-US')
  const total = progress.events_total.toLocaleString('en-US')
  return `Building the metrics rollup (once; later summaries read it)… ${progress.percent}% (${done} of ${total} events)`
}

/** A listener for openAnalysisStore's `onBuild` that shows the build on `stream` (a terminal only); null erases it. */
export function rollupProgressListener(stream: {readonly isTTY: boolean; write(text: string): void}): (progress: BuildProgress | null) => void {
  const line = progressLine(stream)
  return progress => progress ? line.update(rollupProgressText(progress)) : line.stop()
}

/** The line `devtrace demo` shows while it builds. */
export function demoProgressText(progress: {step: 'report'} | (DemoDays & {step: 'events'}) | (BuildProgress & {step: 'rollup'})): string {
  switch (progress.step) {
  case 'events': {
    return `Writing synthetic input… day ${Math.min(progress.days_done + 1, progress.days)} of ${progress.days} (${progress.events.toLocaleString('en-US')} events)`
  }

  case 'report': {
    return 'Summarising and writing the report…'
  }

  case 'rollup': {
    return `Building the metrics rollup… ${progress.percent}%`
  }
  }
}

type DemoDays = {days: number; days_done: number; events: number}

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
