import {statSync} from 'node:fs'

import {type Config, loadConfig} from '../config/config.js'
import {errorMessage} from '../core/errors.js'

export interface ConfigWatch {
  stop(): void
}

/**
 * Re-read config.json whenever it changes, so settings such as `exclude_apps` reach a running
 * daemon within a second. A stat every 250 ms rather than fs.watch: `config set` replaces the
 * file by rename (a watch on the old inode goes quiet), editors do the same, and a stat costs
 * microseconds. A broken file is reported and ignored: the daemon keeps the settings it has.
 */
export function watchConfig(
  file: string,
  onChange: (config: Config) => void,
  onError: (message: string) => void,
  intervalMs = 250,
): ConfigWatch {
  let last = signature(file)
  const timer = setInterval(() => {
    const now = signature(file)
    if (now === last) return
    last = now
    let config: Config
    try {
      config = loadConfig(file)
    } catch (error) {
      onError(errorMessage(error))
      return
    }

    onChange(config)
  }, intervalMs)
  timer.unref()
  return {
    stop: () => clearInterval(timer),
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
