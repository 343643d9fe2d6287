import assert from 'node:assert/strict'
import {
  existsSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync,
} from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import {after, describe, test} from 'node:test'

import {parseChord} from '../../src/capture/hotkey.js'
import {Recorder} from '../../src/capture/recorder.js'
import {loadPause, savePause} from '../../src/daemon/pause-state.js'
import {UiohookKey} from './uiohook-keys.js'

const NOW = Date.UTC(2026, 10, 30, 12, 0, 0)

describe('saved pause', () => {
  const folder = mkdtempSync(path.join(os.tmpdir(), 'devtrace-pause-'))
  const file = path.join(folder, 'pause.json')

  after(() => rmSync(folder, {force: true, recursive: true}))

  test('a pause until resumed, and one with a deadline, survive a reload until the deadline', () => {
    savePause(file, {untilMs: null})
    assert.deepEqual(loadPause(file, NOW), {untilMs: null})
    if (process.platform !== 'win32') assert.equal(statSync(file).mode & 0o777, 0o600)

    savePause(file, {untilMs: NOW + 600_000})
    assert.deepEqual(loadPause(file, NOW), {untilMs: NOW + 600_000})
    assert.deepEqual(loadPause(file, NOW + 599_999), {untilMs: NOW + 600_000})
    // No temporary file is left beside it.
    assert.deepEqual(readdirSync(folder), ['pause.json'])
  })

  test('past its deadline the pause is over and the file goes', () => {
    savePause(file, {untilMs: NOW + 1000})
    assert.equal(loadPause(file, NOW + 1000), undefined)
    assert.equal(existsSync(file), false)
  })

  test('resume removes it; no file, or one that is not a pause, is no pause', () => {
    savePause(file, {untilMs: null})
    savePause(file, undefined)
    assert.equal(existsSync(file), false)
    assert.equal(loadPause(file, NOW), undefined)
    for (const text of ['{"paused":tr', '{"paused":false,"until":null}', '{"paused":true,"until":"soon"}', '[]']) {
      writeFileSync(file, text)
      assert.equal(loadPause(file, NOW), undefined, text)
      assert.equal(existsSync(file), false, text)
    }
  })

  test('the recorder tells its listener about every pause and resume, the panic hotkey included', () => {
    const rec = new Recorder({
      level: 'standard', mouseHz: 0, queueCapacity: 10, hotkey: parseChord('ctrl+p'),
    })
    const seen: boolean[] = []
    rec.onPauseChange = () => seen.push(rec.isPaused())
    rec.pause(Date.now() + 60_000)
    rec.resume()
    rec.pause()
    rec.resume()
    // The chord pauses, from inside the hook callback.
    let ts = 1_700_000_000_000_000
    const chord = [[4, UiohookKey.Ctrl], [4, UiohookKey.P], [5, UiohookKey.P], [5, UiohookKey.Ctrl]]
    for (const [type, keycode] of chord) rec.handle({type, keycode}, ts += 1000)
    assert.deepEqual(seen, [true, false, true, false, true])
  })
})
