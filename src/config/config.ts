import {
  closeSync, existsSync, fstatSync, openSync, readFileSync, renameSync, rmSync, writeFileSync,
} from 'node:fs'
import path from 'node:path'
import {z} from 'zod'

import {chordProblem} from '../capture/hotkey.js'
import {BACKEND_CHOICES} from '../core/capture-backend.js'
import {DevtraceError, errorMessage, UsageError} from '../core/errors.js'
import {LEVELS} from '../core/level.js'
import {maskQuery} from '../core/url-secret.js'
import {formatBytes} from '../ui/format.js'
import {ensurePrivateDir} from './paths.js'
import {checkUploadUrl} from './upload-url.js'
import {stateFolderError} from './write-problem.js'

export const configSchema = z
.object({
  level: z.enum(LEVELS).default('standard'),
  /** Where input comes from: auto, hook (uiohook-napi) or evdev (the kernel's input devices). */
  backend: z.enum(BACKEND_CHOICES).default('auto'),
  /** Mouse moves kept per second; 0 keeps every move. */
  mouse_hz: z.number().int().min(0).max(10_000).default(100),
  /** How often buffered events are written to disk. A kill loses at most this much. */
  flush_ms: z.number().int().min(50).max(60_000).default(1000),
  retention_days: z.number().int().min(0).max(36_500).default(90),
  idle_seconds: z.number().int().min(1).max(86_400).default(180),
  exclude_apps: z.array(z.string().min(1)).default([]),
  capture_titles: z.boolean().default(false),
  /** A chord such as ctrl+alt+shift+p that toggles pause (its keys are never recorded), or "off". */
  panic_hotkey: z.string().min(1).default('ctrl+alt+shift+p').superRefine((value, context) => {
    const problem = chordProblem(value)
    if (problem) context.addIssue({code: 'custom', message: problem})
  }),
  upload: z.object({url: z.url().optional()}).strict().default({}),
})
.strict()

export type Config = z.infer<typeof configSchema>

/** Public setting names, as `devtrace config` accepts them (nested ones dotted). */
export const CONFIG_KEYS = [
  'level',
  'backend',
  'mouse_hz',
  'flush_ms',
  'retention_days',
  'idle_seconds',
  'exclude_apps',
  'capture_titles',
  'panic_hotkey',
  'upload.url',
] as const
export type ConfigKey = (typeof CONFIG_KEYS)[number]

export function defaultConfig(): Config {
  return configSchema.parse({})
}

/**
 * The largest config.json devtrace reads. Every setting together is a few hundred bytes; the
 * bound keeps a runaway or wrong file from stalling start (and the daemon, which rereads the
 * file when it changes) for seconds while it is parsed.
 */
export const MAX_CONFIG_BYTES = 1024 * 1024

/** Read and validate config.json; a missing file means defaults, a broken one is a clear error. */
export function loadConfig(file: string): Config {
  if (!existsSync(file)) return defaultConfig()
  let raw: unknown
  try {
    raw = JSON.parse(readBounded(file))
  } catch (error) {
    if (error instanceof DevtraceError) throw error
    throw new DevtraceError(`${file} is not valid JSON (${errorMessage(error)}).`, {
      suggestion: `Fix or delete ${file}; devtrace recreates it with defaults.`,
    })
  }

  const result = configSchema.safeParse(raw)
  if (!result.success) {
    const issue = result.error.issues[0]
    const field = issue.code === 'unrecognized_keys'
      ? issue.keys.map(key => [...issue.path, key].join('.')).join(', ')
      : issue.path.join('.') || '(top level)'
    throw new DevtraceError(`${file}: field "${field}" is invalid: ${issue.message}.`, {
      suggestion: `Correct it with \`devtrace config set ${field} VALUE\` or edit ${file}.`,
    })
  }

  return result.data
}

export function saveConfig(file: string, config: Config): void {
  // Write then rename so a crash never leaves a half-written config behind.
  const temporary = `${file}.${process.pid}.tmp`
  try {
    ensurePrivateDir(path.dirname(file))
    writeFileSync(temporary, JSON.stringify(config, null, 2) + '\n', {mode: 0o600})
    renameSync(temporary, file)
  } catch (error) {
    removeQuietly(temporary)
    throw stateFolderError(error, path.dirname(file)) ?? error
  }
}

function removeQuietly(file: string): void {
  try {
    rmSync(file, {force: true})
  } catch {
    // Never created (a read-only or full disk): nothing to remove.
  }
}

/** The file's text, refused (before reading it) when it is larger than MAX_CONFIG_BYTES. */
function readBounded(file: string): string {
  const fd = openSync(file, 'r')
  try {
    const {size} = fstatSync(fd)
    if (size > MAX_CONFIG_BYTES) {
      throw new DevtraceError(`${file} is ${formatBytes(size)}, more than the ${formatBytes(MAX_CONFIG_BYTES)} a settings file may be, so devtrace did not read it.`, {
        suggestion: 'Delete it (devtrace recreates it with defaults) and set what you need with `devtrace config set KEY VALUE`.',
      })
    }

    return readFileSync(fd, 'utf8')
  } finally {
    closeSync(fd)
  }
}

export function isConfigKey(key: string): key is ConfigKey {
  return (CONFIG_KEYS as readonly string[]).includes(key)
}

/** A setting as `config get`/`list` show it: upload.url without its query string (a presigned URL's signature). */
export function getConfigValue(config: Config, key: ConfigKey): unknown {
  return key === 'upload.url' ? config.upload.url && maskQuery(config.upload.url) : config[key]
}

/** Turn the text a user typed into the value the schema expects, then validate the whole config. */
export function setConfigValue(config: Config, key: string, text: string): Config {
  if (!isConfigKey(key)) {
    throw new UsageError(`Unknown setting "${key}".`, `Known settings: ${CONFIG_KEYS.join(', ')}.`)
  }

  const value = parseSettingText(key, text)
  const next: Record<string, unknown> = {...config, upload: {...config.upload}}
  if (key === 'upload.url') (next.upload as Record<string, unknown>).url = value
  else next[key] = value

  const result = configSchema.safeParse(next)
  if (!result.success) {
    throw new UsageError(`Invalid value for ${key}: ${result.error.issues[0].message}.`)
  }

  return result.data
}

function parseSettingText(key: ConfigKey, text: string): unknown {
  switch (key) {
  case 'capture_titles': {
    if (/^(true|yes|on|1)$/i.test(text)) return true
    if (/^(false|no|off|0)$/i.test(text)) return false
    throw new UsageError(`Invalid value for ${key}: expected true or false, got "${text}".`)
  }

  case 'exclude_apps': {
    return appListText(text)
  }

  case 'flush_ms':
  case 'idle_seconds':
  case 'mouse_hz':
  case 'retention_days': {
    const number = Number(text)
    if (text.trim() === '' || !Number.isFinite(number)) {
      throw new UsageError(`Invalid value for ${key}: expected a number, got "${text}".`)
    }

    return number
  }

  case 'upload.url': {
    if (text === '') return undefined
    // Refused now with the sentence upload would give later, not accepted and refused at upload.
    checkUploadUrl(text)
    return text
  }

  default: {
    return text
  }
  }
}

/**
 * `exclude_apps` as typed: a JSON array (`["slack","keepassxc"]`, for names with commas), or a
 * comma-separated list (`slack,keepassxc`); "" is the empty list. The word "none" alone is
 * refused rather than taken as an app called none: it is what someone types to mean "no apps"
 * (`config unset exclude_apps` does that); an app really named none is given as JSON, `["none"]`.
 */
export function appListText(text: string): string[] {
  const trimmed = text.trim()
  if (trimmed.startsWith('[')) {
    let parsed: unknown
    try {
      parsed = JSON.parse(trimmed)
    } catch {
      parsed = undefined
    }

    if (!Array.isArray(parsed) || !parsed.every(item => typeof item === 'string')) {
      throw new UsageError(
        `Invalid value for exclude_apps: "${text}" is not a JSON array of app names.`,
        'Give a JSON array such as ["slack","keepassxc"], or a comma-separated list: slack,keepassxc.',
      )
    }

    return parsed.map(item => item.trim()).filter(Boolean)
  }

  if (/^none$/i.test(trimmed)) {
    throw new UsageError(
      'exclude_apps takes app names, and "none" is taken as no apps, not an app called none.',
      'To exclude no apps: devtrace config unset exclude_apps. For an app named none: devtrace config set exclude_apps \'["none"]\'.',
    )
  }

  return trimmed.split(',').map(item => item.trim()).filter(Boolean)
}

/** `config unset KEY`: the setting back to its default (exclude_apps empty, upload.url not set). */
export function unsetConfigValue(config: Config, key: ConfigKey): Config {
  if (key === 'upload.url') return {...config, upload: {...config.upload, url: undefined}}
  return {...config, [key]: defaultConfig()[key]}
}
