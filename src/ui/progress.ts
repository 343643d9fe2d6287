import {statSync} from 'node:fs'

import {formatBytes} from './format.js'

/**
 * A one-line progress note on stderr while a file grows (an export written by the daemon or
 * by this process): only on a terminal, only once the work has taken longer than `afterMs`,
 * rewritten in place and erased when done.
 */
export function watchFileGrowth(file: string, label: string, options: {afterMs?: number; everyMs?: number} = {}): {stop(): void} {
  const stream = process.stderr
  if (!stream.isTTY) return {stop() {}}
  const started = Date.now()
  let shown = false
  const tick = (): void => {
    let size = 0
    try {
      size = statSync(file).size
    } catch {
      // Not created yet.
    }

    const seconds = Math.round((Date.now() - started) / 1000)
    stream.write(`\r\u001B[K${label}… ${formatBytes(size)} written (${seconds} s)`)
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
