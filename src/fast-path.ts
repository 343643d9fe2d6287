import {readFileSync} from 'node:fs'
import {createRequire} from 'node:module'
import {parseArgs} from 'node:util'

import type {Io} from './core/io.js'

import {resolvePaths} from './config/paths.js'
import {BACKEND_CHOICES, type BackendChoice} from './core/capture-backend.js'
import {type Level, LEVELS} from './core/level.js'
import {terminalIo} from './ui/terminal-io.js'

/**
 * Fast paths for the commands that must cost little: `status`, `pause`, `resume`, `stop` (run by
 * scripts and status bars, often) and `start --foreground` (the daemon itself, which runs all
 * day). Loading @oclif/core and its command set is ~2× the start of Node itself and ~15 MiB that
 * the daemon would keep for its whole life (BENCHMARKS.md, startup and daemon), so bin/run.js
 * offers the arguments here first.
 *
 * A fast path is taken only for arguments it fully understands (the same flags, the same
 * checks); anything else — help, an unknown or bad flag — returns false and goes to oclif, which
 * says what is wrong exactly as before. Output is the command's own: the same run function, the
 * same view, the same JSON, and errors rendered by the base command's own code (loaded only when
 * something fails), so nothing a script sees changes.
 */
export async function runFastPath(argv: readonly string[]): Promise<boolean> {
  const plan = fastPlan(argv)
  if (!plan) return false
  // The base command's init: every file devtrace creates is its owner's only.
  if (process.platform !== 'win32') process.umask(0o077)
  const io = fastIo(plan.json)
  let result: unknown
  try {
    result = await plan.run(io)
  } catch (error) {
    await reportFailure(error instanceof Error ? error : new Error(String(error)), plan.json)
    return true
  }

  if (plan.json && result !== undefined) process.stdout.write(JSON.stringify(result, null, 2) + '\n')
  return true
}

interface FastPlan {
  json: boolean
  run(io: Io): Promise<unknown>
}

/** What a fast path would do with these arguments, or undefined when oclif must handle them. */
export function fastPlan(argv: readonly string[]): FastPlan | undefined {
  const [command, ...rest] = argv
  switch (command) {
  case 'pause': {
    const flags = parseFlags(rest, {for: {type: 'string'}})
    if (!flags) return undefined
    return {
      json: flags.json, async run(io) {
        const {pauseRun} = await import('./daemon/pause-run.js')
        return pauseRun({paths: resolvePaths(), for: flags.values.for as string | undefined}, io)
      },
    }
  }

  case 'resume': {
    const flags = parseFlags(rest, {})
    if (!flags) return undefined
    return {
      json: flags.json, async run(io) {
        const {resumeRun} = await import('./daemon/pause-run.js')
        return resumeRun({paths: resolvePaths()}, io)
      },
    }
  }

  case 'start': {
    return foregroundPlan(rest)
  }

  case 'status': {
    const flags = parseFlags(rest, {})
    if (!flags) return undefined
    return {
      json: flags.json, async run(io) {
        const {statusRun} = await import('./daemon/status-run.js')
        return statusRun({paths: resolvePaths()}, io)
      },
    }
  }

  case 'stop': {
    const flags = parseFlags(rest, {})
    if (!flags) return undefined
    return {
      json: flags.json, async run(io) {
        const {stopRun} = await import('./daemon/stop-run.js')
        return stopRun({paths: resolvePaths()}, io)
      },
    }
  }

  default: {
    return undefined
  }
  }
}

/**
 * `start --foreground`, as `devtrace start` spawns it and service managers run it. Only the
 * foreground form: a background start prints and warns through oclif, and runs once.
 */
function foregroundPlan(rest: readonly string[]): FastPlan | undefined {
  const flags = parseFlags(rest, {
    level: {type: 'string'}, 'mouse-hz': {type: 'string'}, backend: {type: 'string'}, foreground: {type: 'boolean'}, 'allow-unfiltered': {type: 'boolean'},
  })
  if (!flags?.values.foreground) return undefined
  const {values} = flags
  const level = values.level as string | undefined
  const backend = values.backend as string | undefined
  const mouseHzText = values['mouse-hz'] as string | undefined
  if (level !== undefined && !(LEVELS as readonly string[]).includes(level)) return undefined
  if (backend !== undefined && !(BACKEND_CHOICES as readonly string[]).includes(backend)) return undefined
  // oclif's integer flag: digits only, within the flag's bounds.
  const mouseHz = mouseHzText === undefined ? undefined : Number(mouseHzText)
  if (mouseHzText !== undefined && (!/^\d+$/.test(mouseHzText) || mouseHz! > 10_000)) return undefined
  return {
    json: flags.json, async run(io) {
      const paths = resolvePaths()
      // read-config checks a plain config.json without zod, which the daemon would keep all day.
      const [{readConfig}, {startRun}] = await Promise.all([import('./config/read-config.js'), import('./daemon/start-run.js')])
      const settings = await readConfig(paths.config)
      return startRun({
        paths,
        level: (level ?? settings.level) as Level,
        backend: (backend ?? settings.backend) as BackendChoice,
        mouseHz: mouseHz ?? settings.mouse_hz,
        flushMs: settings.flush_ms,
        excludeApps: settings.exclude_apps,
        foreground: true,
        allowUnfiltered: Boolean(values['allow-unfiltered']),
        version: packageVersion(),
        daemonChild: Boolean(process.env.DEVTRACE_DAEMON_CHILD),
      }, io)
    },
  }
}

type FlagSpec = Record<string, {type: 'boolean' | 'string'}>

/** The flags as oclif would read them, or undefined for anything else (help, positionals, unknown or repeated flags). */
function parseFlags(rest: readonly string[], spec: FlagSpec): undefined | {json: boolean; values: Record<string, boolean | string | undefined>} {
  try {
    const {positionals, tokens, values} = parseArgs({
      args: [...rest], options: {...spec, json: {type: 'boolean'}}, strict: true, allowPositionals: false, tokens: true,
    })
    if (positionals.length > 0) return undefined
    // oclif refuses a flag given twice; parseArgs keeps the last: leave that to oclif.
    const names = tokens.filter(token => token.kind === 'option').map(token => token.name)
    if (new Set(names).size !== names.length) return undefined
    // `--flag=` with an empty value and `-x` short forms are oclif's to judge.
    if (tokens.some(token => token.kind === 'option' && (token.rawName.length < 3 || token.value === ''))) return undefined
    return {json: Boolean(values.json), values}
  } catch {
    return undefined
  }
}

/** The terminal as the base command gives it: stdout untouched with --json, warnings as oclif prints them. */
function fastIo(json: boolean): Io {
  return terminalIo({
    json,
    log: text => process.stdout.write(text + '\n'),
    warn(text) {
      // Rare (a daemon that would not exit, a foreground start at level full): oclif is loaded
      // for it, synchronously, so the warning has oclif's exact layout.
      if (!json) (createRequire(import.meta.url)('@oclif/core') as typeof import('@oclif/core')).Errors.warn(text)
    },
  })
}

/** A failure, rendered by the base command's own code so it reads exactly as through oclif. */
async function reportFailure(error: Error, json: boolean): Promise<void> {
  const [{cliErrorFor, errorJson}, {Errors}] = await Promise.all([import('./ui/base-command.js'), import('@oclif/core')])
  const wrapped = cliErrorFor(error, json)
  if (json) {
    process.stdout.write(JSON.stringify(errorJson(wrapped), null, 2) + '\n')
    process.exitCode = wrapped.exitCode
    return
  }

  await Errors.handle(wrapped)
}

let version: string | undefined
/** The CLI's version (what oclif reads from package.json), which the daemon reports in its status. */
function packageVersion(): string {
  version ??= (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {version: string}).version
  return version
}
