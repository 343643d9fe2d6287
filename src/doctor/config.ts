import {existsSync} from 'node:fs'

import {type Config, defaultConfig, loadConfig} from '../config/config.js'
import {DevtraceError, errorMessage} from '../core/errors.js'
import {type Check, fail, ok} from './check.js'

/**
 * config.json, validated exactly as every command reads it (loadConfig). The other checks need
 * its settings; a broken file is reported once, here, and they go on with the defaults.
 */
export function checkConfig(file: string): {check: Check; config: Config} {
  const name = 'config'
  if (!existsSync(file)) return {check: ok(name, `No ${file}: every setting has its default.`), config: defaultConfig()}
  try {
    const config = loadConfig(file)
    return {check: ok(name, `${file} is valid.`), config}
  } catch (error) {
    const suggestion = error instanceof DevtraceError ? error.suggestion : undefined
    return {check: fail(name, errorMessage(error), suggestion), config: defaultConfig()}
  }
}
