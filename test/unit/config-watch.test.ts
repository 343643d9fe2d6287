import assert from 'node:assert/strict'
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import {describe, it} from 'node:test'

import {
  type Config, defaultConfig, saveConfig, setConfigValue,
} from '../../src/config/config.js'
import {UsageError} from '../../src/core/errors.js'
import {watchConfig} from '../../src/daemon/config-watch.js'

const sleep = (ms: number): Promise<void> => new Promise(resolve => {
  setTimeout(resolve, ms)
})

describe('config.json watched by the daemon', () => {
  it('reports each change, and a broken file as an error (the old settings stay)', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'devtrace-watch-'))
    const file = path.join(dir, 'config.json')
    const seen: Array<Config['exclude_apps']> = []
    const errors: string[] = []
    const watch = watchConfig(file, config => seen.push(config.exclude_apps), message => errors.push(message), 20)
    try {
      saveConfig(file, setConfigValue(defaultConfig(), 'exclude_apps', 'KeePassXC, signal*'))
      await sleep(120)
      writeFileSync(file, '{"exclude_apps": [')
      await sleep(120)
      saveConfig(file, setConfigValue(defaultConfig(), 'exclude_apps', 'slack'))
      await sleep(120)
      rmSync(file)
      await sleep(120)
    } finally {
      watch.stop()
      rmSync(dir, {force: true, recursive: true})
    }

    assert.deepEqual(seen, [['KeePassXC', 'signal*'], ['slack'], []])
    assert.equal(errors.length, 1)
    assert.match(errors[0], /config\.json is not valid JSON/)
  })
})

describe('panic_hotkey setting', () => {
  it('accepts chords and "off", refuses anything else with the reason', () => {
    assert.equal(setConfigValue(defaultConfig(), 'panic_hotkey', 'ctrl+shift+f12').panic_hotkey, 'ctrl+shift+f12')
    assert.equal(setConfigValue(defaultConfig(), 'panic_hotkey', 'off').panic_hotkey, 'off')
    assert.throws(() => setConfigValue(defaultConfig(), 'panic_hotkey', 'ctrl+alt'), (error: unknown) => {
      assert.ok(error instanceof UsageError)
      assert.equal(error.message, 'Invalid value for panic_hotkey: "ctrl+alt" ends in a modifier; a chord ends in a key such as p or f12.')
      return true
    })
  })
})
