import {Flags} from '@oclif/core'

import {type Level, LEVELS} from '../core/level.js'
import {BaseCommand} from '../ui/base-command.js'
import {colourFor} from '../ui/colour.js'
import {prose} from '../ui/prose.js'

export default class Start extends BaseCommand {
  static description = prose(`Start capturing keyboard and mouse input into your local database.

Runs a background daemon and returns once it is capturing. Only you can read what it records;
nothing leaves this machine unless you run \`devtrace upload\`.`)
  static examples = [
    {command: '<%= config.bin %> start', description: 'Capture at the default level (standard: no key codes).'},
    {command: '<%= config.bin %> start --level minimal', description: 'Keep only the time and kind of each event.'},
    {command: '<%= config.bin %> start --mouse-hz 20', description: 'Keep at most 20 mouse moves a second.'},
    {command: '<%= config.bin %> start --foreground', description: 'Run the daemon in this process (for systemd and other service managers).'},
  ]
  static flags = {
    level: Flags.string({description: 'What to store per event (default: config `level`, else standard).', options: [...LEVELS]}),
    'mouse-hz': Flags.integer({description: 'Mouse moves kept per second; 0 keeps all (default: config `mouse_hz`, else 100).', min: 0, max: 10_000}),
    foreground: Flags.boolean({description: 'Run the daemon in this process instead of the background.'}),
  }

  async run(): Promise<{running: true; pid: number; level: Level; already_running: boolean}> {
    const {flags} = await this.parse(Start)
    const settings = this.loadSettings()
    const level = (flags.level ?? settings.level) as Level
    const mouseHz = flags['mouse-hz'] ?? settings.mouse_hz
    if (level === 'full' && !process.env.DEVTRACE_DAEMON_CHILD) {
      this.warn('Level "full" stores exact key codes: anyone with this file can reconstruct what you typed, passwords included.')
    }

    if (settings.exclude_apps.length > 0 && !['freebsd', 'linux', 'openbsd'].includes(process.platform) && !process.env.DEVTRACE_DAEMON_CHILD) {
      this.warn(`exclude_apps is set, but devtrace cannot tell which app has focus on ${process.platform} yet: those apps will be recorded too. Use \`devtrace pause\` or the panic hotkey instead.`)
    }

    if (flags.foreground) return this.runForeground(level, mouseHz, settings.flush_ms)

    const {startDaemon} = await import('../daemon/control.js')
    const {alreadyRunning, info} = await startDaemon(this.paths, {level, mouseHz})
    const c = colourFor()
    if (alreadyRunning) this.log(`devtrace is already running (pid ${info.pid}).`)
    else {
      this.log(`${c.green('●')} devtrace is capturing (pid ${info.pid}, level ${level}).`)
      if (info.walMovedTo) this.warn(`An unreadable write-ahead log was moved aside to ${info.walMovedTo}.`)
      if (info.pausedUntil !== undefined) this.log(pausedLine(info.pausedUntil))
    }

    return {
      running: true, pid: info.pid, level: info.level ?? level, already_running: alreadyRunning,
    }
  }

  private async runForeground(level: Level, mouseHz: number, flushMs: number): Promise<never> {
    const {runDaemon} = await import('../daemon/daemon.js')
    const {reportToParent} = await import('../daemon/handshake.js')
    const {explainStartFailure, StartGuard} = await import('../daemon/start-guard.js')
    // A start that fails takes back what it created (pid file, socket, a new database file).
    const guard = new StartGuard(this.paths)
    try {
      await runDaemon(
        {
          paths: this.paths, level, mouseHz, flushMs, version: this.config.version, echoLog: !process.send,
        },
        info => {
          guard.started()
          if (!reportToParent({type: 'ready', info})) this.log(`devtrace is capturing in the foreground (pid ${info.pid}, level ${level}); Ctrl-C stops it.`)
        },
        guard,
      )
    } catch (error) {
      await guard.undo(error)
      const explained = explainStartFailure(error, this.paths) as Error & {exitCode?: number; suggestion?: string}
      reportToParent({
        type: 'error', message: explained.message, exitCode: explained.exitCode ?? 1, suggestion: explained.suggestion,
      })
      throw explained
    }

    // The hook library can keep native handles alive; the daemon is done, so leave now.
    process.exit(0)
  }
}

/** A daemon that starts paused (a pause saved before it was restarted) says so and until when. */
function pausedLine(until: null | string): string {
  return until === null
    ? 'It is paused, as before: nothing is recorded until `devtrace resume`.'
    : `It is paused, as before, until ${new Date(until).toLocaleTimeString()}.`
}
