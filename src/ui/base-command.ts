import {Command, Errors} from '@oclif/core'

import type {Config} from '../config/config.js'
import type {Io} from '../core/io.js'

import {resolvePaths, type StatePaths} from '../config/paths.js'
import {DevtraceError} from '../core/errors.js'
import {ExitCode} from '../core/exit-codes.js'
import {safeLines, safeText} from './safe-text.js'
import {terminalIo} from './terminal-io.js'

/**
 * Every devtrace command extends this: it turns on `--json` and turns any error into one
 * clear sentence, a suggestion and a named exit code. Stack traces only appear with DEBUG set.
 */
export abstract class BaseCommand extends Command {
  static enableJsonFlag = true
  /**
   * Whether run() calls loadSettings(). The config module brings zod, ~60-80 ms of imports (see
   * BENCHMARKS.md, startup), so commands that never read settings (status) set this false and
   * start without it.
   */
  static loadsSettings = true
  private cachedPaths?: StatePaths
  private configModule?: typeof import('../config/config.js')

  /** Where state lives for this invocation (DEVTRACE_HOME or the platform folder). */
  protected get paths(): StatePaths {
    this.cachedPaths ??= resolvePaths()
    return this.cachedPaths
  }

  /** The terminal, for a flow run as `xxxRun(options, this.io)`: prints through this.log and this.warn, honours --json. */
  protected get io(): Io {
    return terminalIo({json: this.jsonEnabled(), log: text => this.log(text), warn: text => this.warn(text)})
  }

  public async init(): Promise<void> {
    // Every file devtrace creates (the database, its WAL, rewrites, exports, reports, logs) holds
    // or describes the user's input: readable by its owner only, whoever creates it (DuckDB,
    // this process or the daemon it starts, which inherits the mask).
    if (process.platform !== 'win32') process.umask(0o077)
    await super.init()
    if ((this.constructor as typeof BaseCommand).loadsSettings) this.configModule = await import('../config/config.js')
  }

  protected loadSettings(): Config {
    if (!this.configModule) throw new Error(`${this.id ?? 'this command'} reads settings: it must not set loadsSettings = false.`)
    return this.configModule.loadConfig(this.paths.config)
  }

  /** With --json, errors are JSON on stdout too: the sentence, the suggestion and the exit code. */
  protected toErrorJson(error: unknown): unknown {
    return errorJson(error)
  }

  protected async catch(error: Error & {exitCode?: number; oclif?: {exit?: number}}): Promise<unknown> {
    // oclif's own errors (unknown flag, bad option) already carry an exit code and a message.
    if (error instanceof Errors.CLIError) {
      // Their line breaks are oclif's own layout (usage hints), kept; everything else made safe.
      if (!this.jsonEnabled()) error.message = safeLines(error.message)
      return super.catch(Object.assign(error, {exitCode: error.oclif?.exit ?? ExitCode.Failure}))
    }

    const wrapped = cliErrorFor(error, this.jsonEnabled())
    return super.catch(wrapped)
  }
}

/** The --json form of an error: the sentence, the suggestion and the exit code. */
export function errorJson(error: unknown): unknown {
  const failure = error as {exitCode?: number; message?: string; oclif?: {exit?: number}; suggestions?: string[]}
  return {
    error: {
      message: failure.message ?? String(error),
      exit_code: failure.exitCode ?? failure.oclif?.exit ?? ExitCode.Failure,
      suggestion: failure.suggestions?.[0] ?? null,
    },
  }
}

/**
 * Any error as oclif prints it: a DevtraceError keeps its sentence, suggestion and exit code,
 * anything else is "Unexpected error" (exit 1). Also used by the fast paths in src/fast-path.ts,
 * so a quick command fails exactly as it does through oclif.
 */
export function cliErrorFor(error: Error, json: boolean): Errors.CLIError & {exitCode: number} {
  // Messages quote app names, paths and values typed or chosen elsewhere: on the terminal
  // they are shown through safeText; the --json error keeps them exact.
  const shown = (text: string): string => (json ? text : safeText(text))
  const known = error instanceof DevtraceError
  const exit = known ? error.exitCode : ExitCode.Failure
  const message = shown(known ? error.message : `Unexpected error: ${error.message}`)
  const suggestions = known && error.suggestion ? [shown(error.suggestion)] : undefined
  const wrapped = new Errors.CLIError(message, {exit, suggestions})
  if (process.env.DEBUG) Object.defineProperty(wrapped, 'stack', {value: error.stack})
  return Object.assign(wrapped, {exitCode: exit})
}
