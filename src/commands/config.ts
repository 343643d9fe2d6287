import {Args} from '@oclif/core'

import type {ConfigAction} from '../config/config-run.js'

import {CONFIG_KEYS} from '../config/config.js'
import {BaseCommand} from '../ui/base-command.js'
import {configText} from '../ui/config-view.js'
import {prose} from '../ui/prose.js'

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

  async run(): Promise<Record<string, unknown>> {
    const {args} = await this.parse(ConfigCommand)
    const {configRun} = await import('../config/config-run.js')
    const entries = configRun({
      paths: this.paths, action: args.action as ConfigAction, key: args.key, value: args.value,
    })
    this.log(configText(args.action as ConfigAction, entries))
    return entries
  }
}
