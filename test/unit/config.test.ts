import assert from 'node:assert/strict'
import {
  chmodSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync,
} from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import {
  afterEach, beforeEach, describe, it,
} from 'node:test'

import {
  type Config,
  CONFIG_KEYS,
  defaultConfig,
  getConfigValue,
  isConfigKey,
  loadConfig,
  MAX_CONFIG_BYTES,
  saveConfig,
  setConfigValue,
} from '../../src/config/config.js'
import {DevtraceError, UsageError} from '../../src/core/errors.js'

const DEFAULTS: Config = {
  level: 'standard',
  backend: 'auto',
  mouse_hz: 100,
  flush_ms: 1000,
  retention_days: 90,
  idle_seconds: 180,
  exclude_apps: [],
  capture_titles: false,
  panic_hotkey: 'ctrl+alt+shift+p',
  upload: {},
}

/** Permission bits of a file or folder. */
function modeOf(file: string): number {
  return statSync(file).mode % 0o1000
}

/** Assert that `fn` throws a UsageError (exit 2) whose message contains every given part. */
function assertUsageError(fn: () => unknown, ...parts: string[]): void {
  assert.throws(fn, (error: unknown) => {
    assert.ok(error instanceof UsageError, `expected a UsageError, got ${String(error)}`)
    assert.equal(error.exitCode, 2)
    for (const part of parts) assert.ok(error.message.includes(part), `"${error.message}" should mention ${part}`)
    return true
  })
}

describe('config', () => {
  describe('defaultConfig', () => {
    it('has the documented defaults', () => {
      assert.deepEqual(defaultConfig(), DEFAULTS)
    })

    it('returns a fresh object each time', () => {
      const a = defaultConfig()
      a.exclude_apps.push('x')
      assert.deepEqual(defaultConfig().exclude_apps, [])
    })
  })

  describe('config keys', () => {
    it('lists the public setting names', () => {
      assert.deepEqual(
        [...CONFIG_KEYS],
        ['level', 'backend', 'mouse_hz', 'flush_ms', 'retention_days', 'idle_seconds', 'exclude_apps', 'capture_titles', 'panic_hotkey', 'upload.url'],
      )
      assert.equal(isConfigKey('upload.url'), true)
      assert.equal(isConfigKey('upload'), false)
      assert.equal(isConfigKey('nope'), false)
    })

    it('getConfigValue reads top-level and dotted keys', () => {
      const config = {...defaultConfig(), upload: {url: 'https://example.com/in'}}
      assert.equal(getConfigValue(config, 'mouse_hz'), 100)
      assert.equal(getConfigValue(config, 'level'), 'standard')
      assert.equal(getConfigValue(config, 'upload.url'), 'https://example.com/in')
      assert.equal(getConfigValue(defaultConfig(), 'upload.url'), undefined)
      // A presigned URL's query string is its signature: get and list show that one is set, never what.
      const signed = {...defaultConfig(), upload: {url: 'https://s3.example.com/b/k?X-Amz-Signature=SENTINEL'}}
      assert.equal(getConfigValue(signed, 'upload.url'), 'https://s3.example.com/b/k?…')
    })
  })

  describe('setConfigValue', () => {
    it('parses numbers', () => {
      assert.equal(setConfigValue(defaultConfig(), 'mouse_hz', '250').mouse_hz, 250)
      assert.equal(setConfigValue(defaultConfig(), 'mouse_hz', '0').mouse_hz, 0)
      assert.equal(setConfigValue(defaultConfig(), 'flush_ms', '5000').flush_ms, 5000)
      assert.equal(setConfigValue(defaultConfig(), 'retention_days', '0').retention_days, 0)
      assert.equal(setConfigValue(defaultConfig(), 'idle_seconds', ' 60 ').idle_seconds, 60)
    })

    it('changes only the named setting and leaves the input untouched', () => {
      const before = defaultConfig()
      const after = setConfigValue(before, 'mouse_hz', '20')
      assert.deepEqual(after, {...DEFAULTS, mouse_hz: 20})
      assert.deepEqual(before, DEFAULTS)
    })

    it('refuses text that is not a number', () => {
      assertUsageError(() => setConfigValue(defaultConfig(), 'mouse_hz', 'fast'), 'mouse_hz', 'expected a number', '"fast"')
      assertUsageError(() => setConfigValue(defaultConfig(), 'flush_ms', ''), 'flush_ms', 'expected a number')
      assertUsageError(() => setConfigValue(defaultConfig(), 'idle_seconds', '  '), 'idle_seconds', 'expected a number')
      assertUsageError(() => setConfigValue(defaultConfig(), 'retention_days', 'Infinity'), 'retention_days', 'expected a number')
    })

    it('refuses numbers outside the schema (fractions, negatives, out of range)', () => {
      assertUsageError(() => setConfigValue(defaultConfig(), 'mouse_hz', '1.5'), 'Invalid value for mouse_hz')
      assertUsageError(() => setConfigValue(defaultConfig(), 'mouse_hz', '-1'), 'Invalid value for mouse_hz')
      assertUsageError(() => setConfigValue(defaultConfig(), 'mouse_hz', '10001'), 'Invalid value for mouse_hz')
      assertUsageError(() => setConfigValue(defaultConfig(), 'flush_ms', '49'), 'Invalid value for flush_ms')
      assertUsageError(() => setConfigValue(defaultConfig(), 'idle_seconds', '0'), 'Invalid value for idle_seconds')
    })

    it('parses booleans in their usual spellings', () => {
      for (const text of ['true', 'TRUE', 'yes', 'on', '1']) {
        assert.equal(setConfigValue(defaultConfig(), 'capture_titles', text).capture_titles, true, text)
      }

      const on = setConfigValue(defaultConfig(), 'capture_titles', 'true')
      for (const text of ['false', 'False', 'no', 'off', '0']) {
        assert.equal(setConfigValue(on, 'capture_titles', text).capture_titles, false, text)
      }
    })

    it('refuses other boolean text', () => {
      assertUsageError(() => setConfigValue(defaultConfig(), 'capture_titles', 'maybe'), 'capture_titles', 'expected true or false', '"maybe"')
      assertUsageError(() => setConfigValue(defaultConfig(), 'capture_titles', ''), 'capture_titles')
    })

    it('parses comma-separated lists, trimming and dropping empty items', () => {
      assert.deepEqual(setConfigValue(defaultConfig(), 'exclude_apps', 'keepassxc, 1password ,,firefox').exclude_apps, [
        'keepassxc',
        '1password',
        'firefox',
      ])
      assert.deepEqual(setConfigValue(defaultConfig(), 'exclude_apps', 'solo').exclude_apps, ['solo'])
      const withApps = setConfigValue(defaultConfig(), 'exclude_apps', 'a,b')
      assert.deepEqual(setConfigValue(withApps, 'exclude_apps', '').exclude_apps, [])
    })

    it('sets level and panic_hotkey as text, validating level', () => {
      assert.equal(setConfigValue(defaultConfig(), 'level', 'full').level, 'full')
      assert.equal(setConfigValue(defaultConfig(), 'level', 'minimal').level, 'minimal')
      assert.equal(setConfigValue(defaultConfig(), 'panic_hotkey', 'ctrl+alt+q').panic_hotkey, 'ctrl+alt+q')
      assertUsageError(() => setConfigValue(defaultConfig(), 'level', 'max'), 'Invalid value for level')
      assertUsageError(() => setConfigValue(defaultConfig(), 'panic_hotkey', ''), 'Invalid value for panic_hotkey')
    })

    it('sets and clears upload.url, keeping other settings', () => {
      const set = setConfigValue({...defaultConfig(), mouse_hz: 5}, 'upload.url', 'https://upload.example.com/v1')
      assert.equal(set.upload.url, 'https://upload.example.com/v1')
      assert.equal(set.mouse_hz, 5)
      const cleared = setConfigValue(set, 'upload.url', '')
      assert.equal(cleared.upload.url, undefined)
      assert.equal(getConfigValue(cleared, 'upload.url'), undefined)
      assert.equal(set.upload.url, 'https://upload.example.com/v1', 'the input is not modified')
    })

    it('refuses an upload.url that is not a URL', () => {
      assertUsageError(() => setConfigValue(defaultConfig(), 'upload.url', 'not a url'), '"not a url" is not a URL.')
    })

    it('refuses unknown settings, listing the known ones', () => {
      assert.throws(
        () => setConfigValue(defaultConfig(), 'colour', 'red'),
        (error: unknown) => {
          assert.ok(error instanceof UsageError)
          assert.equal(error.exitCode, 2)
          assert.equal(error.message, 'Unknown setting "colour".')
          assert.equal(error.suggestion, `Known settings: ${CONFIG_KEYS.join(', ')}.`)
          return true
        },
      )
      assertUsageError(() => setConfigValue(defaultConfig(), 'upload', 'x'), 'Unknown setting "upload"')
    })
  })

  describe('loadConfig and saveConfig', () => {
    let dir: string
    let file: string

    beforeEach(() => {
      dir = mkdtempSync(path.join(os.tmpdir(), 'devtrace-config-test-'))
      file = path.join(dir, 'config.json')
    })

    afterEach(() => {
      rmSync(dir, {force: true, recursive: true})
    })

    /** Assert that loading `content` fails with a DevtraceError naming the file and every part. */
    function assertLoadError(content: string, ...parts: string[]): void {
      writeFileSync(file, content)
      assert.throws(
        () => loadConfig(file),
        (error: unknown) => {
          assert.ok(error instanceof DevtraceError, `expected a DevtraceError, got ${String(error)}`)
          assert.ok(!(error instanceof UsageError))
          assert.equal(error.exitCode, 1)
          assert.ok(error.message.includes(file), `"${error.message}" should name ${file}`)
          for (const part of parts) assert.ok(error.message.includes(part), `"${error.message}" should mention ${part}`)
          return true
        },
      )
    }

    it('gives the defaults when the file does not exist (and does not create it)', () => {
      assert.deepEqual(loadConfig(file), DEFAULTS)
      assert.equal(existsSync(file), false)
    })

    it('fills in defaults for settings the file leaves out', () => {
      writeFileSync(file, JSON.stringify({level: 'minimal', upload: {url: 'https://example.com/x'}}))
      assert.deepEqual(loadConfig(file), {...DEFAULTS, level: 'minimal', upload: {url: 'https://example.com/x'}})
      writeFileSync(file, '{}')
      assert.deepEqual(loadConfig(file), DEFAULTS)
    })

    it('refuses invalid JSON, naming the file', () => {
      assertLoadError('{"level": ', 'is not valid JSON')
      assertLoadError('', 'is not valid JSON')
    })

    it('suggests fixing or deleting an invalid file', () => {
      writeFileSync(file, 'nope')
      assert.throws(
        () => loadConfig(file),
        (error: unknown) => {
          assert.ok(error instanceof DevtraceError)
          assert.equal(error.suggestion, `Fix or delete ${file}; devtrace recreates it with defaults.`)
          return true
        },
      )
    })

    it('refuses an unknown key, naming the file and the key', () => {
      assertLoadError(JSON.stringify({colour: 'red'}), 'field "colour"')
      assertLoadError(JSON.stringify({level: 'full', colour: 'red', size: 3}), 'field "colour, size"')
    })

    it('refuses an unknown nested key, naming it by its full path', () => {
      assertLoadError(JSON.stringify({upload: {token: 'secret'}}), 'field "upload.token"')
    })

    it('refuses a field of the wrong type or out of range, naming the file and the field', () => {
      assertLoadError(JSON.stringify({mouse_hz: 'fast'}), 'field "mouse_hz" is invalid')
      assertLoadError(JSON.stringify({mouse_hz: -5}), 'field "mouse_hz" is invalid')
      assertLoadError(JSON.stringify({flush_ms: 10}), 'field "flush_ms" is invalid')
      assertLoadError(JSON.stringify({level: 'max'}), 'field "level" is invalid')
      assertLoadError(JSON.stringify({capture_titles: 'yes'}), 'field "capture_titles" is invalid')
      assertLoadError(JSON.stringify({exclude_apps: 'firefox'}), 'field "exclude_apps" is invalid')
      assertLoadError(JSON.stringify({exclude_apps: ['ok', '']}), 'field "exclude_apps.1" is invalid')
      assertLoadError(JSON.stringify({upload: {url: 'not a url'}}), 'field "upload.url" is invalid')
    })

    it('refuses a file that is not a JSON object', () => {
      assertLoadError('[]', 'field "(top level)" is invalid')
      assertLoadError('null', 'field "(top level)" is invalid')
      assertLoadError('42', 'field "(top level)" is invalid')
    })

    it('suggests the config command for the broken field', () => {
      writeFileSync(file, JSON.stringify({mouse_hz: 'fast'}))
      assert.throws(
        () => loadConfig(file),
        (error: unknown) => {
          assert.ok(error instanceof DevtraceError)
          assert.equal(error.suggestion, `Correct it with \`devtrace config set mouse_hz VALUE\` or edit ${file}.`)
          return true
        },
      )
    })

    it('round-trips a saved config', () => {
      let config = defaultConfig()
      config = setConfigValue(config, 'level', 'full')
      config = setConfigValue(config, 'mouse_hz', '30')
      config = setConfigValue(config, 'exclude_apps', 'keepassxc,firefox')
      config = setConfigValue(config, 'capture_titles', 'yes')
      config = setConfigValue(config, 'upload.url', 'https://example.com/upload')
      saveConfig(file, config)
      assert.deepEqual(loadConfig(file), {
        ...DEFAULTS,
        level: 'full',
        mouse_hz: 30,
        exclude_apps: ['keepassxc', 'firefox'],
        capture_titles: true,
        upload: {url: 'https://example.com/upload'},
      })
    })

    it('writes readable, newline-terminated JSON and leaves no temporary file behind', () => {
      saveConfig(file, defaultConfig())
      const text = readFileSync(file, 'utf8')
      assert.equal(text, JSON.stringify(DEFAULTS, null, 2) + '\n')
      assert.deepEqual(readdirSync(dir), ['config.json'])
    })

    it('omits a cleared upload.url from the file', () => {
      const cleared = setConfigValue(setConfigValue(defaultConfig(), 'upload.url', 'https://example.com/u'), 'upload.url', '')
      saveConfig(file, cleared)
      assert.deepEqual(JSON.parse(readFileSync(file, 'utf8')).upload, {})
      assert.deepEqual(loadConfig(file), DEFAULTS)
    })

    it('replaces an existing file', () => {
      saveConfig(file, setConfigValue(defaultConfig(), 'mouse_hz', '1'))
      saveConfig(file, setConfigValue(defaultConfig(), 'mouse_hz', '2'))
      assert.equal(loadConfig(file).mouse_hz, 2)
    })

    it('writes the file with mode 0600', () => {
      saveConfig(file, defaultConfig())
      assert.equal(modeOf(file), 0o600)
      chmodSync(file, 0o644)
      saveConfig(file, defaultConfig())
      assert.equal(modeOf(file), 0o600)
    })

    it('refuses, without reading it, a config.json larger than 1 MiB, naming its size and the bound', () => {
      // Valid JSON and a valid config, just far too large: size alone decides.
      const names = Array.from({length: 120_000}, (_, index) => `"app-${index}"`).join(',')
      writeFileSync(file, `{"exclude_apps": [${names}]}`)
      assert.ok(statSync(file).size > MAX_CONFIG_BYTES)
      assert.throws(() => loadConfig(file), (error: unknown) => {
        assert.ok(error instanceof DevtraceError)
        assert.match(error.message, /config\.json is 1\.\d MiB, more than the 1\.0 MiB a settings file may be, so devtrace did not read it\.$/)
        assert.match(error.suggestion ?? '', /^Delete it/)
        return true
      })
      writeFileSync(file, `{"level": "minimal"${' '.repeat(MAX_CONFIG_BYTES - 40)}}`)
      assert.equal(loadConfig(file).level, 'minimal')
    })

    it('a file where the state folder should be is one sentence, not EEXIST or ENOTDIR, and leaves no temporary file', () => {
      const blocker = path.join(dir, 'home')
      writeFileSync(blocker, 'a file')
      for (const target of [path.join(blocker, 'config.json'), path.join(blocker, 'deeper', 'config.json')]) {
        assert.throws(() => saveConfig(target, defaultConfig()), (error: unknown) => {
          assert.ok(error instanceof DevtraceError, String(error))
          assert.equal(error.message, `${blocker} is a file, but devtrace needs a folder there.`)
          assert.equal(error.suggestion, `Move the file ${blocker} away.`)
          return true
        })
      }

      assert.deepEqual(readdirSync(dir).sort(), ['home'])
    })

    it('creates a missing state folder as 0700', () => {
      const nested = path.join(dir, 'state', 'config.json')
      saveConfig(nested, defaultConfig())
      assert.deepEqual(loadConfig(nested), DEFAULTS)
      assert.equal(modeOf(path.dirname(nested)), 0o700)
    })
  })
})
