import {Flags} from '@oclif/core'

import type {StartOutput} from '../daemon/start-run.js'

import {BACKEND_CHOICES, type BackendChoice} from '../core/capture-backend.js'
import {type Level, LEVELS} from '../core/level.js'
import {BaseCommand} from '../ui/base-command.js'
import {prose} from '../ui/prose.js'

export default class Start extends BaseCommand {
  static description = prose(`Start capturing keyboard and mouse input into your local database.

Runs a background daemon and returns once it is capturing. Only you can read what it records;
nothing leaves this machine unless you run \`devtrace upload\`.`)
  static examples = [
    {command: '<%= config.bin %> start', description: 'Capture at the default level (standard: no key codes).'},
    {command: '<%= config.bin %> start --level minimal', description: 'Keep only the time and kind of each event.'},
    {command: '<%= config.bin %> start --mouse-hz 20', description: 'Keep at most 20 mouse moves a second.'},
    {command: '<%= config.bin %> start --backend evdev', description: 'Read the kernel\'s input devices (Wayland or no display; needs the input group).'},
    {command: '<%= config.bin %> start --allow-unfiltered', description: 'Start where exclude_apps cannot be honoured (GNOME or KDE on Wayland, a console): those apps are recorded too.'},
    {command: '<%= config.bin %> start --foreground', description: 'Run the daemon in this process (for systemd and other service managers).'},
  ]
  static flags = {
    level: Flags.string({description: 'What to store per event (default: config `level`, else standard).', options: [...LEVELS]}),
    'mouse-hz': Flags.integer({description: 'Mouse moves kept per second; 0 keeps all (default: config `mouse_hz`, else 100).', min: 0, max: 10_000}),
    backend: Flags.string({description: 'Where input comes from: auto picks hook (X11, macOS, Windows) or evdev (Wayland, no display) (default: config `backend`, else auto).', options: [...BACKEND_CHOICES]}),
    foreground: Flags.boolean({description: 'Run the daemon in this process instead of the background.'}),
    'allow-unfiltered': Flags.boolean({description: 'Start even where the focused app cannot be known, so exclude_apps cannot keep those apps out (start refuses otherwise).'}),
  }

  async run(): Promise<StartOutput> {
    const {flags} = await this.parse(Start)
    const settings = this.loadSettings()
    const {startRun} = await import('../daemon/start-run.js')
    return startRun({
      paths: this.paths,
      level: (flags.level ?? settings.level) as Level,
      backend: (flags.backend ?? settings.backend) as BackendChoice,
      mouseHz: flags['mouse-hz'] ?? settings.mouse_hz,
      flushMs: settings.flush_ms,
      excludeApps: settings.exclude_apps,
      foreground: flags.foreground,
      allowUnfiltered: flags['allow-unfiltered'],
      version: this.config.version,
      daemonChild: Boolean(process.env.DEVTRACE_DAEMON_CHILD),
    }, this.io)
  }
}
