import {statSync} from 'node:fs'

import type {Config} from '../config/config.js'

import {readConfig} from '../config/read-config.js'
import {errorMessage} from '../core/errors.js'

export interface ConfigWatch {
  stop(): void
}

/**
 * Re-read config.json whenever it changes, so settings such as `exclude_apps` reach a running
 * daemon within a second. A stat every 250 ms rather than fs.watch: `config set` replaces the
 * file by rename (a watch on the old inode goes quiet), editors do the same, and a stat costs
 * microseconds. A broken file is reported and ignored: the daemon keeps the settings it has.
 * One read at a time (a broken file loads config.ts to explain it): a change seen meanwhile is
 * read on the next tick, so the last version of the file is always the one applied.
 */
export function watchConfig(
  file: string,
  onChange: (config: Config) => void,
  onError: (message: string) => void,
  intervalMs = 250,
): ConfigWatch {
  let last = signature(file)
  let reading = false
  let stopped = false
  const timer = setInterval(() => {
    if (reading) return
    const now = signature(file)
    if (now === last) return
    last = now
    reading = true
    readConfig(file).then(
      config => {
        if (!stopped) onChange(config)
      },
      (error: unknown) => {
        if (!stopped) onError(errorMessage(error))
      },
    ).finally(() => {
      reading = false
    })
  }, intervalMs)
  timer.unref()
  return {
    stop() {
      stopped = true
      clearInterval(timer)
    },
  }
}

function signature(file: string): string {
  try {
    const stat = statSync(file)
    return `${stat.ino}:${stat.size}:${stat.mtimeMs}`
  } catch {
    return 'missing'
  }
}
