import {Args} from '@oclif/core'

import {
  type Config, CONFIG_KEYS, getConfigValue, isConfigKey, saveConfig, setConfigValue,
} from '../config/config.js'
import {UsageError} from '../core/errors.js'
import {BaseCommand} from '../ui/base-command.js'
import {prose} from '../ui/prose.js'
import {safeText} from '../ui/safe-text.js'

export default class ConfigCommand extends BaseCommand {
  static description = prose(`Read or change settings (stored in config.json in the devtrace folder).

Settings: ${CONFIG_KEYS.join(', ')}. A running daemon applies exclude_apps, capture_titles and panic_hotkey within a second; level and mouse_hz at its next start.`)
  static examples = [
    {command: '<%= config.bin %> config list', description: 'Every setting and its value.'},
    {command: '<%= config.bin %> config get level', description: 'One setting.'},
    {command: '<%= config.bin %> config set mouse_hz 50', description: 'Keep at most 50 mouse moves a second.'},
    {command: '<%= config.bin %> config set exclude_apps "keepassxc,1password"', description: 'A list, comma-separated.'},
  ]
  static args = {
    action: Args.string({description: 'list, get or set', options: ['list', 'get', 'set'], default: 'list'}),
    key: Args.string({description: 'setting name (get, set)'}),
    value: Args.string({description: 'new value (set)'}),
  }

  async run(): Promise<unknown> {
    const {args} = await this.parse(ConfigCommand)
    const config = this.loadSettings()
    switch (args.action) {
    case 'get': {
      const key = this.requireKey(args.key)
      const value = getConfigValue(config, key)
      this.log(formatValue(value))
      return {[key]: value ?? null}
    }

    case 'set': {
      const key = this.requireKey(args.key)
      if (args.value === undefined) throw new UsageError(`No value given for ${key}.`, `devtrace config set ${key} VALUE`)
      const next = setConfigValue(config, key, args.value)
      saveConfig(this.paths.config, next)
      this.log(`${key} = ${formatValue(getConfigValue(next, key))}`)
      return {[key]: getConfigValue(next, key) ?? null}
    }

    default: {
      return this.list(config)
    }
    }
  }

  private list(config: Config): Record<string, unknown> {
    const entries = Object.fromEntries(CONFIG_KEYS.map(key => [key, getConfigValue(config, key) ?? null]))
    const width = Math.max(...CONFIG_KEYS.map(key => key.length))
    for (const [key, value] of Object.entries(entries)) this.log(`${key.padEnd(width)}  ${formatValue(value)}`)
    return entries
  }

  private requireKey(key: string | undefined): (typeof CONFIG_KEYS)[number] {
    if (!key) throw new UsageError('No setting named.', `Known settings: ${CONFIG_KEYS.join(', ')}.`)
    if (!isConfigKey(key)) throw new UsageError(`Unknown setting "${key}".`, `Known settings: ${CONFIG_KEYS.join(', ')}.`)
    return key
  }
}

/** A setting for the terminal; values come from config.json, which anything can edit, so made safe. */
function formatValue(value: unknown): string {
  if (value === undefined || value === null) return '(not set)'
  if (Array.isArray(value)) return value.length === 0 ? '(none)' : safeText(value.join(','))
  return safeText(String(value))
}
