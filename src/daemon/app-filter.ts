import {detectAppSource} from '../capture/app-source.js'
import {DevtraceError} from '../core/errors.js'

export interface AppFilterOptions {
  excludeApps: readonly string[]
  /** `start --allow-unfiltered`: record even though exclude_apps cannot be honoured here. */
  allowUnfiltered: boolean
  /** The session `start` runs in (tests pin these). */
  env?: NodeJS.ProcessEnv
  platform?: NodeJS.Platform
}

/**
 * `exclude_apps` is a promise that some apps are never recorded; where the focused app cannot be
 * known (GNOME or KDE on Wayland, a console, macOS, Windows) that promise cannot be kept, and
 * silently recording those apps anyway would be the worst outcome. So `start` refuses, unless the
 * person says they accept it with `--allow-unfiltered`. Checked by the `start` they run and again
 * by the daemon it spawns (which gets the flag), and by `start --foreground` run by hand.
 *
 * Returns the warning to print when the person allowed it, undefined when nothing is at stake.
 */
export function checkAppFilter(options: AppFilterOptions): string | undefined {
  if (options.excludeApps.length === 0) return undefined
  const source = detectAppSource(options.env, options.platform)
  if (source.available) return undefined
  if (!options.allowUnfiltered) {
    throw new DevtraceError(
      `exclude_apps is set, but ${source.reason}, so those apps would be recorded too: start with --allow-unfiltered to accept that and use \`devtrace pause\` while they have focus.`,
      {suggestion: 'Or clear the list: devtrace config set exclude_apps ""'},
    )
  }

  return `exclude_apps is set, but ${source.reason}: those apps are recorded too (--allow-unfiltered). Use \`devtrace pause\` or the panic hotkey while they have focus.`
}
