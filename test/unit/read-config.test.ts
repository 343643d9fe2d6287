import assert from 'node:assert/strict'
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import {describe, it} from 'node:test'

import {configSchema, defaultConfig, loadConfig} from '../../src/config/config.js'
import {
  PLAIN_CONFIG_KEYS, plainConfig, plainConfigFile, readConfig,
} from '../../src/config/read-config.js'

/** Plainly valid: the hand check must accept these, with zod's result. */
const PLAIN: unknown[] = [
  {},
  {level: 'minimal'},
  {level: 'full'},
  {backend: 'evdev'},
  {backend: 'hook'},
  {mouse_hz: 0},
  {mouse_hz: 10_000},
  {flush_ms: 50},
  {flush_ms: 60_000},
  {retention_days: 0},
  {retention_days: 36_500},
  {idle_seconds: 1},
  {idle_seconds: 86_400},
  {exclude_apps: []},
  {exclude_apps: ['KeePassXC', 'signal*']},
  {capture_titles: true},
  {capture_titles: false},
  {panic_hotkey: 'off'},
  {panic_hotkey: 'ctrl+shift+f12'},
  {upload: {}},
  {upload: {url: 'https://example.com/upload'}},
  {upload: {url: 'http://127.0.0.1:8080/x?y=1'}},
  defaultConfig(),
  {
    level: 'full', backend: 'auto', mouse_hz: 20, flush_ms: 2000, retention_days: 7, idle_seconds: 60, exclude_apps: ['a'], capture_titles: true, panic_hotkey: 'ctrl+alt+p', upload: {url: 'https://x.example/'},
  },
]

/** Everything else the check must leave to zod (whatever zod decides). */
const OTHER: unknown[] = [
  null,
  [],
  'standard',
  5,
  true,
  {colour: 'blue'},
  JSON.parse('{"__proto__": {"level": "full"}}'),
  {upload: {url: 'https://x.example', token: 'a'}},
  {level: 'verbose'},
  {level: 5},
  {level: null},
  {backend: 'libinput'},
  {backend: ''},
  {mouse_hz: -1},
  {mouse_hz: 10_001},
  {mouse_hz: 1.5},
  {mouse_hz: '5'},
  {mouse_hz: null},
  {flush_ms: 49},
  {flush_ms: 60_001},
  {retention_days: -1},
  {retention_days: 36_501},
  {idle_seconds: 0},
  {idle_seconds: 86_401},
  {exclude_apps: 'slack'},
  {exclude_apps: ['']},
  {exclude_apps: [1]},
  {exclude_apps: null},
  {capture_titles: 'true'},
  {capture_titles: 1},
  {panic_hotkey: ''},
  {panic_hotkey: 'ctrl+alt'},
  {panic_hotkey: 'hyper+q'},
  {panic_hotkey: 5},
  {upload: null},
  {upload: []},
  {upload: 'https://x.example'},
  {upload: {url: null}},
  {upload: {url: 'not a url'}},
  {upload: {url: ' https://x.example'}},
  {upload: {url: 'https://exa\nmple.com'}},
  {upload: {url: 'https://x.example/\t'}},
  {upload: {url: ''}},
]

describe('config.json read by hand (the daemon, without zod)', () => {
  it('knows exactly the settings of config.ts\'s schema', () => {
    assert.deepEqual(PLAIN_CONFIG_KEYS, Object.keys(configSchema.shape))
  })

  it('fills in the same defaults as config.ts', () => {
    assert.deepEqual(plainConfig({}), defaultConfig())
  })

  for (const raw of PLAIN) {
    it(`accepts ${JSON.stringify(raw)} with zod's result`, () => {
      const zod = configSchema.safeParse(raw)
      assert.ok(zod.success, 'zod accepts it too')
      assert.deepEqual(plainConfig(raw), zod.data)
    })
  }

  for (const raw of OTHER) {
    it(`leaves ${JSON.stringify(raw)} to config.ts, or agrees with it`, () => {
      const quick = plainConfig(raw)
      if (quick === undefined) return
      const zod = configSchema.safeParse(raw)
      assert.ok(zod.success, 'accepted by hand only if zod accepts it')
      assert.deepEqual(quick, zod.data)
    })
  }

  it('refuses by hand everything zod refuses among these', () => {
    const refusedByZod = OTHER.filter(raw => !configSchema.safeParse(raw).success)
    assert.ok(refusedByZod.length > 30, 'most of these are invalid')
    assert.deepEqual(refusedByZod.filter(raw => plainConfig(raw) !== undefined), [])
  })

  it('does not share arrays with the parsed JSON', () => {
    const raw = {exclude_apps: ['a']}
    const config = plainConfig(raw)!
    raw.exclude_apps.push('b')
    assert.deepEqual(config.exclude_apps, ['a'])
  })

  describe('files', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'devtrace-read-config-'))
    const file = path.join(dir, 'config.json')

    it('a missing file is the defaults, without config.ts', async () => {
      rmSync(file, {force: true})
      assert.deepEqual(plainConfigFile(file), defaultConfig())
      assert.deepEqual(await readConfig(file), defaultConfig())
    })

    it('a plain file is read by hand', async () => {
      writeFileSync(file, JSON.stringify({mouse_hz: 0, exclude_apps: ['slack']}))
      assert.deepEqual(plainConfigFile(file), {...defaultConfig(), mouse_hz: 0, exclude_apps: ['slack']})
      assert.deepEqual(await readConfig(file), loadConfig(file))
    })

    for (const [what, text] of [['broken JSON', '{"exclude_apps": ['], ['an invalid value', '{"mouse_hz": -5}'], ['an unknown key', '{"colour": "blue"}']]) {
      it(`${what}: config.ts judges, with its own error`, async () => {
        writeFileSync(file, text)
        assert.equal(plainConfigFile(file), undefined)
        assert.throws(() => loadConfig(file))
        const message = await readConfig(file).then(() => 'accepted', (error: Error) => error.message)
        assert.throws(() => loadConfig(file), {message})
      })
    }

    it('a file larger than a real config is left to config.ts and its bound', async () => {
      writeFileSync(file, JSON.stringify({exclude_apps: Array.from({length: 10_000}, (_, i) => `app-${i}`)}))
      assert.equal(plainConfigFile(file), undefined)
      assert.deepEqual(await readConfig(file), loadConfig(file))
      rmSync(dir, {force: true, recursive: true})
    })
  })
})
