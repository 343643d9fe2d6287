import type {StatePaths} from './paths.js'

import {UsageError} from '../core/errors.js'
import {hasQuery} from '../core/url-secret.js'
import {
  CONFIG_KEYS, type ConfigKey, getConfigValue, isConfigKey, loadConfig, saveConfig, setConfigValue, unsetConfigValue,
} from './config.js'

export type ConfigAction = 'get' | 'list' | 'set' | 'unset'

export interface ConfigOptions {
  paths: StatePaths
  action: ConfigAction
  key?: string
  value?: string
}

/**
 * `devtrace config`: the settings asked for (one for get and set, every one for list) as
 * name → value (null when unset), after `set` has validated and saved the new value, or `unset`
 * has put the setting back to its default.
 */
export function configRun(options: ConfigOptions): Record<string, unknown> {
  const config = loadConfig(options.paths.config)
  if (options.action === 'list') return Object.fromEntries(CONFIG_KEYS.map(key => [key, getConfigValue(config, key) ?? null]))
  const key = requireKey(options.key)
  if (options.action === 'get') return {[key]: getConfigValue(config, key) ?? null}
  if (options.action === 'unset' && options.value !== undefined) {
    throw new UsageError(`config unset takes a setting name only, not a value ("${options.value}").`, `devtrace config unset ${key}`)
  }

  if (options.action === 'set' && options.value === undefined) throw new UsageError(`No value given for ${key}.`, `devtrace config set ${key} VALUE`)
  const next = options.action === 'unset' ? unsetConfigValue(config, key) : setConfigValue(config, key, options.value!)
  saveConfig(options.paths.config, next)
  return {[key]: getConfigValue(next, key) ?? null}
}

/**
 * What `config set` should warn about before it saves: a presigned URL's signature typed on the
 * command line is readable by other users in `ps` while the command runs, as with `upload --to`.
 * It is saved all the same (config.json is the owner's alone); the warning names the quieter ways.
 */
export function configWarnings(options: ConfigOptions): string[] {
  if (options.action !== 'set' || options.key !== 'upload.url' || options.value === undefined || !hasQuery(options.value)) return []
  return [
    'Warning: this upload.url has a query string (a presigned URL\'s signature): other users of this machine can read it in `ps` while this command runs. '
    + 'It is saved in config.json, which only you can read. For a signed URL, prefer DEVTRACE_UPLOAD_URL or `devtrace upload --to-file PATH`.',
  ]
}

function requireKey(key: string | undefined): ConfigKey {
  if (!key) throw new UsageError('No setting named.', `Known settings: ${CONFIG_KEYS.join(', ')}.`)
  if (!isConfigKey(key)) throw new UsageError(`Unknown setting "${key}".`, `Known settings: ${CONFIG_KEYS.join(', ')}.`)
  return key
}
