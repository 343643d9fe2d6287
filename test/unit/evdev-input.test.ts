import assert from 'node:assert/strict'
import {writeFileSync} from 'node:fs'
import path from 'node:path'
import {afterEach, describe, it} from 'node:test'

import type {InputHook} from '../../src/capture/hook.js'
import type {RawInput} from '../../src/capture/normalise.js'

import {startEvdevInput} from '../../src/capture/evdev/evdev-input.js'
import {
  EV_KEY, EV_REL, EV_SYN, REL_X,
} from '../../src/capture/evdev/event-codes.js'
import {inputPaths} from '../../src/capture/evdev/input-paths.js'
import {DevtraceError} from '../../src/core/errors.js'
import {waitFor} from '../helpers/cli.js'
import {
  EvdevFeed, keyboardBlock, mouseBlock, powerButtonBlock, record,
} from '../helpers/evdev-feed.js'

const T0 = 1_700_000_000_000
const press = (code: number, value: number, ms: number) => [{
  type: EV_KEY, code, value, ms,
}, {
  type: EV_SYN, code: 0, value: 0, ms,
}]

describe('startEvdevInput', () => {
  let feed: EvdevFeed | undefined
  let hook: InputHook | undefined

  afterEach(async () => {
    hook?.stop()
    hook = undefined
    await feed?.cleanup()
    feed = undefined
  })

  async function start(setup: (f: EvdevFeed) => void): Promise<{got: Array<{raw: RawInput; ts: number}>; log: string[]}> {
    feed = new EvdevFeed()
    setup(feed)
    const got: Array<{raw: RawInput; ts: number}> = []
    const log: string[] = []
    hook = await startEvdevInput((raw, ts) => got.push({raw, ts}), error => {
      throw error
    }, {paths: inputPaths({DEVTRACE_INPUT_DIR: feed.dir}), log: line => log.push(line)})
    return {got, log}
  }

  it('reads keyboards and mice listed, not the power button, and stamps events with the daemon\'s clock', async () => {
    let keyboard: ReturnType<EvdevFeed['add']> | undefined
    const before = Date.now() * 1000
    const {got, log} = await start(f => {
      f.add('event0', powerButtonBlock('event0'), {pipe: false})
      keyboard = f.add('event3', keyboardBlock('event3'))
      f.add('event4', mouseBlock('event4', {hiRes: false}))
    })
    assert.deepEqual(log.filter(line => line.startsWith('evdev: reading')), [
      'evdev: reading event3 "AT Translated Set 2 keyboard" as keyboard',
      'evdev: reading event4 "USB Optical Mouse" as pointer',
    ])
    await keyboard!.write([...press(30, 1, T0), ...press(30, 0, T0 + 50)])
    await waitFor(() => got.length === 2, 'two key events')
    assert.deepEqual(got.map(({raw}) => [raw.type, raw.keycode, raw.time]), [[4, 30, T0], [5, 30, T0 + 50]])
    assert.ok(got[0].ts >= before && got[1].ts > got[0].ts, 'receipt times from the daemon\'s clock, increasing')
    assert.deepEqual(hook!.stats!(), {devices_open: 2, events_read: 4, frames_lost: 0})
  })

  it('decodes a record split across two writes', async () => {
    let keyboard: ReturnType<EvdevFeed['add']> | undefined
    const {got} = await start(f => {
      keyboard = f.add('event3', keyboardBlock('event3'))
    })
    const bytes = Buffer.concat(press(30, 1, T0).map(event => record(event)))
    await keyboard!.writeBytes(bytes.subarray(0, 30))
    await keyboard!.writeBytes(bytes.subarray(30))
    await waitFor(() => got.length === 1, 'the key press')
    assert.equal(got[0].raw.keycode, 30)
  })

  it('picks up a device plugged in while running and lets go of one unplugged', async () => {
    let mouse: ReturnType<EvdevFeed['add']> | undefined
    const {got, log} = await start(f => {
      f.add('event3', keyboardBlock('event3'))
      mouse = f.add('event4', mouseBlock('event4', {hiRes: false}))
    })
    await mouse!.connect()
    const second = feed!.add('event7', mouseBlock('event7', {hiRes: true, name: 'Bluetooth Mouse'}))
    await waitFor(() => hook!.stats!().devices_open === 3, 'the new mouse opened')
    await second.write([{
      type: EV_REL, code: REL_X, value: 4, ms: T0,
    }, {
      type: EV_SYN, code: 0, value: 0, ms: T0,
    }])
    await waitFor(() => got.length === 1, 'the new mouse\'s move')
    assert.deepEqual([got[0].raw.type, got[0].raw.x], [9, 4])
    await feed!.remove('event4')
    await waitFor(() => hook!.stats!().devices_open === 2, 'the unplugged mouse closed')
    assert.ok(log.includes('evdev: reading event7 "Bluetooth Mouse" as pointer'), log.join('\n'))
    assert.ok(log.some(line => /^evdev: event4 (is gone|closed)/.test(line)), log.join('\n'))
  })

  it('fails with a plain sentence when the list has no keyboard or pointer', async () => {
    await assert.rejects(start(f => {
      f.add('event0', powerButtonBlock('event0'), {pipe: false})
    }), (error: unknown) => error instanceof DevtraceError && /^No keyboard, mouse or touchpad is listed in .*devices\.$/.test(error.message))
  })

  it('fails naming the device when none listed can be opened', async () => {
    await assert.rejects(start(f => {
      f.add('event3', keyboardBlock('event3'), {pipe: false}) // listed, but its node is missing
      writeFileSync(path.join(f.dir, 'event9'), '') // a node nothing lists is not read
    }), (error: unknown) => error instanceof DevtraceError && error.message === `No keyboard, mouse or touchpad in ${feed!.dir} could be opened (event3: no device file).`)
  })

  it('fails when the device list cannot be read', async () => {
    await assert.rejects(
      startEvdevInput(() => {}, () => {}, {paths: {devicesFile: '/nonexistent/devices', eventDir: '/nonexistent'}, log() {}}),
      (error: unknown) => error instanceof DevtraceError && error.message.startsWith('Cannot read the input device list /nonexistent/devices'),
    )
  })
})
