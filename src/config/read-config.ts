import {
  closeSync, fstatSync, openSync, readFileSync,
} from 'node:fs'

import type {Config} from './config.js'

import {chordProblem} from '../capture/hotkey.js'
import {BACKEND_CHOICES} from '../core/capture-backend.js'
import {LEVELS} from '../core/level.js'

/**
 * config.json as the daemon reads it: at start, for retention and whenever the file changes.
 *
 * The schema in config.ts is written with zod, which costs the daemon ~7.6 MiB of resident memory
 * for its whole life (BENCHMARKS.md, issue 15 part M2) to check a few hundred bytes now and then.
 * So a plainly valid file is checked here by hand, and config.ts (with zod) is loaded only when
 * this check is unsure: a broken value, an unknown key, an odd file. config.ts stays the one
 * judge of what is valid and the one voice of every error; this check accepts a subset of what it
 * accepts, with the same result (test/unit/read-config.test.ts compares both).
 */
export async function readConfig(file: string): Promise<Config> {
  return plainConfigFile(file) ?? (await import('./config.js')).loadConfig(file)
}

/** A real config.json is a few hundred bytes; anything larger goes to config.ts and its own bound. */
const PLAIN_FILE_BYTES = 64 * 1024

/** The file's settings when it is missing (defaults) or plainly valid; undefined when config.ts must judge. */
export function plainConfigFile(file: string): Config | undefined {
  let text: string
  try {
    const fd = openSync(file, 'r')
    try {
      if (fstatSync(fd).size > PLAIN_FILE_BYTES) return undefined
      text = readFileSync(fd, 'utf8')
    } finally {
      closeSync(fd)
    }
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ENOENT' ? plainConfig({}) : undefined
  }

  try {
    return plainConfig(JSON.parse(text))
  } catch {
    return undefined
  }
}

type Check = (value: unknown) => boolean

const integerIn = (min: number, max: number): Check => value => Number.isInteger(value) && (value as number) >= min && (value as number) <= max
const oneOf = (choices: readonly string[]): Check => value => typeof value === 'string' && choices.includes(value)
const nonEmptyString = (value: unknown): boolean => typeof value === 'string' && value.length > 0
const isPlainObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value)

/**
 * A URL as zod's z.url() keeps it unchanged: it parses, and has no surrounding blanks (which zod
 * trims) and no tab or line break (which zod deletes).
 */
const plainUrl = (value: unknown): boolean => typeof value === 'string' && value.trim() === value && !/[\t\n\r]/.test(value) && URL.canParse(value)

/** Each setting of config.ts's schema, in its order: how a plain value looks, and its default. */
const SETTINGS: Record<Exclude<keyof Config, 'upload'>, {check: Check; fallback: () => unknown}> = {
  level: {check: oneOf(LEVELS), fallback: () => 'standard'},
  backend: {check: oneOf(BACKEND_CHOICES), fallback: () => 'auto'},
  mouse_hz: {check: integerIn(0, 10_000), fallback: () => 100},
  flush_ms: {check: integerIn(50, 60_000), fallback: () => 1000},
  retention_days: {check: integerIn(0, 36_500), fallback: () => 90},
  idle_seconds: {check: integerIn(1, 86_400), fallback: () => 180},
  exclude_apps: {check: value => Array.isArray(value) && value.every(item => nonEmptyString(item)), fallback: () => []},
  capture_titles: {check: value => typeof value === 'boolean', fallback: () => false},
  panic_hotkey: {check: value => nonEmptyString(value) && chordProblem(value as string) === undefined, fallback: () => 'ctrl+alt+shift+p'},
}

/** The names this check knows, upload included: config.ts's schema must have exactly these (the unit test holds them together). */
export const PLAIN_CONFIG_KEYS = [...Object.keys(SETTINGS), 'upload']

/** Parsed config.json, with defaults filled in as config.ts would, when every part is plainly valid; else undefined. */
export function plainConfig(raw: unknown): Config | undefined {
  if (!isPlainObject(raw)) return undefined
  if (Object.keys(raw).some(key => !PLAIN_CONFIG_KEYS.includes(key))) return undefined
  const config: Record<string, unknown> = {}
  for (const [key, {check, fallback}] of Object.entries(SETTINGS)) {
    const value = raw[key]
    if (value === undefined) config[key] = fallback()
    else if (check(value)) config[key] = Array.isArray(value) ? [...value] : value
    else return undefined
  }

  const upload = raw.upload === undefined ? {} : raw.upload
  if (!isPlainObject(upload) || Object.keys(upload).some(key => key !== 'url')) return undefined
  if (upload.url !== undefined && !plainUrl(upload.url)) return undefined
  config.upload = upload.url === undefined ? {} : {url: upload.url}
  return config as Config
}
