import assert from 'node:assert/strict'
import {execFileSync} from 'node:child_process'
import {
  mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync,
} from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import {after, describe, it} from 'node:test'

import {deviceAccess} from '../../src/capture/evdev/access.js'

const dir = mkdtempSync(path.join(os.tmpdir(), 'devtrace-access-'))

describe('evdev device access', () => {
  after(() => rmSync(dir, {force: true, recursive: true}))

  it('opens each eventN in DEVTRACE_INPUT_DIR, in device order, ignoring other entries', () => {
    const input = path.join(dir, 'input')
    mkdirSync(input)
    writeFileSync(path.join(input, 'devices'), '')
    writeFileSync(path.join(input, 'event10'), '')
    writeFileSync(path.join(input, 'event0'), '')
    execFileSync('mkfifo', [path.join(input, 'event1')])
    symlinkSync(path.join(dir, 'gone'), path.join(input, 'event2')) // a device removed under us
    writeFileSync(path.join(input, 'mouse0'), '')
    mkdirSync(path.join(input, 'by-id'))
    assert.deepEqual(deviceAccess({DEVTRACE_INPUT_DIR: input}), {eventDir: input, readable: ['event0', 'event1', 'event10'], unreadable: ['event2']})
  })

  it('a folder that does not exist holds no devices', () => {
    assert.deepEqual(deviceAccess({DEVTRACE_INPUT_DIR: path.join(dir, 'none')}), {eventDir: path.join(dir, 'none'), readable: [], unreadable: []})
  })

  it('without DEVTRACE_INPUT_DIR it looks in /dev/input', () => {
    assert.equal(deviceAccess({}).eventDir, '/dev/input')
  })
})
