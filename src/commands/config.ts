import {Args} from '@oclif/core'

import type {ConfigAction} from '../config/config-run.js'

import {CONFIG_KEYS} from '../config/config.js'
import {BaseCommand} from '../ui/base-command.js'
import {configText} from '../ui/config-view.js'
import {prose} from '../ui/prose.js'

export default class ConfigCommand extends BaseCommand {
  static description = prose(`Read or change settings (stored in config.json in the devtrace folder).

Settings: ${CONFIG_KEYS.join(', ')}. A running daemon applies exclude_apps, capture_titles and panic_hotkey within a second; level and mouse_hz at its next start.

\`set\` checks a value as the command that uses it would (an upload.url over plain http:// to another
machine is refused now, not at upload). exclude_apps takes a comma-separated list or a JSON array;
the word none alone is refused (it would be an app called none). \`unset\` puts a setting back to its default.`)
  static examples = [
    {command: '<%= config.bin %> config list', description: 'Every setting and its value.'},
    {command: '<%= config.bin %> config get level', description: 'One setting.'},
    {command: '<%= config.bin %> config set mouse_hz 50', description: 'Keep at most 50 mouse moves a second.'},
    {command: '<%= config.bin %> config set exclude_apps "keepassxc,1password"', description: 'A list, comma-separated.'},
    {command: '<%= config.bin %> config set exclude_apps \'["slack","my app, beta"]\'', description: 'A list as a JSON array (for names with commas).'},
    {command: '<%= config.bin %> config unset exclude_apps', description: 'Back to the default: no apps excluded.'},
  ]
  static args = {
    action: Args.string({description: 'list, get, set or unset (back to the default)', options: ['list', 'get', 'set', 'unset'], default: 'list'}),
    key: Args.string({description: 'setting name (get, set, unset)'}),
    value: Args.string({description: 'new value (set)'}),
  }

  async run(): Promise<Record<string, unknown>> {
    const {args} = await this.parse(ConfigCommand)
    const {configRun, configWarnings} = await import('../config/config-run.js')
    const options = {
      paths: this.paths, action: args.action as ConfigAction, key: args.key, value: args.value,
    }
    const entries = configRun(options)
    // On stderr even with --json: the caller needs to know the secret was exposed.
    for (const warning of configWarnings(options)) process.stderr.write(`${warning}\n`)
    this.log(configText(args.action as ConfigAction, entries))
    return entries
  }
}
