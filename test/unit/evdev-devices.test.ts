import assert from 'node:assert/strict'
import {readFileSync} from 'node:fs'
import path from 'node:path'
import {describe, it} from 'node:test'
import {fileURLToPath} from 'node:url'

import {bitsOf, capturedDevices, parseDevices} from '../../src/capture/evdev/devices-file.js'

const FIXTURES = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'evdev')

function fixture(name: string): string {
  return readFileSync(path.join(FIXTURES, name), 'utf8')
}

/** What devtrace reads of a machine's list: event name → roles, for the devices it opens. */
function captured(name: string): Record<string, string> {
  return Object.fromEntries(capturedDevices(parseDevices(fixture(name), 64)).map(device => [device.event, `${device.name}: ${device.roles.join('+')}`]))
}

describe('bitsOf', () => {
  it('reads hex words of the long size, highest word first', () => {
    assert.deepEqual([...bitsOf('1 0', 64)], [64])
    assert.deepEqual([...bitsOf('1 0', 32)], [32])
    assert.deepEqual([...bitsOf('3', 64)].sort((a, b) => a - b), [0, 1])
    assert.deepEqual([...bitsOf('8000000000000000', 64)], [63])
    assert.deepEqual([...bitsOf('0', 64)], [])
    assert.deepEqual([...bitsOf('', 64)], [])
  })

  it('keeps precision beyond 53 bits', () => {
    const bits = bitsOf('feffffdfffefffff', 64)
    assert.equal(bits.has(63), true)
    assert.equal(bits.has(56), false) // the 0xfe's low bit
    assert.equal(bits.has(0), true)
  })
})

describe('parseDevices: recorded machines', () => {
  it('laptop: the AT keyboard and the touchpad; power, lid, sleep, video bus, speaker and jack are ignored', () => {
    const all = parseDevices(fixture('laptop.txt'), 64)
    assert.deepEqual(all.map(device => device.event), ['event0', 'event1', 'event2', 'event3', 'event4', 'event5', 'event8', 'event10'])
    assert.deepEqual(captured('laptop.txt'), {
      event3: 'AT Translated Set 2 keyboard: keyboard',
      event8: 'ELAN0504:01 04F3:3140 Touchpad: touchpad',
    })
  })

  it('desktop: the USB keyboard, the mouse and the mouse\'s keyboard interface; not the consumer-control keys', () => {
    assert.deepEqual(captured('desktop.txt'), {
      event2: 'Dell KB216 Wired Keyboard: keyboard',
      event4: 'Logitech G502 HERO Gaming Mouse: pointer',
      event5: 'Logitech G502 HERO Gaming Mouse Keyboard: keyboard',
    })
    const mouse = parseDevices(fixture('desktop.txt'), 64).find(device => device.event === 'event4')!
    assert.equal(mouse.hiResWheel, true)
    assert.equal(mouse.hiResHWheel, true)
    const keyboard = parseDevices(fixture('desktop.txt'), 64).find(device => device.event === 'event2')!
    assert.equal(keyboard.hiResWheel, false)
    assert.equal(keyboard.phys, 'usb-0000:00:14.0-2/input0')
  })

  it('a combined receiver (Unifying keyboard with touchpad buttons) is both keyboard and pointer; the bare receiver node is nothing', () => {
    assert.deepEqual(captured('unifying.txt'), {event6: 'Logitech K400 Plus: keyboard+pointer'})
  })

  it('a Bluetooth mouse with hi-res wheels; the laptop\'s HID events keys are not a keyboard', () => {
    assert.deepEqual(captured('bluetooth-mouse.txt'), {event14: 'MX Master 3 Mouse: pointer'})
    const [mouse] = parseDevices(fixture('bluetooth-mouse.txt'), 64)
    assert.equal(mouse.hiResWheel, true)
  })

  it('a touchscreen (INPUT_PROP_DIRECT) is not a touchpad', () => {
    const text = [
      'N: Name="ELAN Touchscreen"',
      'H: Handlers=mouse1 event11 ',
      'B: PROP=2',
      'B: EV=b',
      'B: KEY=420 0 0 0 0 0', // BTN_TOUCH and BTN_TOOL_FINGER, as a touchpad has
      'B: ABS=3273800000000003',
      '',
    ].join('\n')
    assert.deepEqual(capturedDevices(parseDevices(text, 64)), [])
    assert.deepEqual(capturedDevices(parseDevices(text.replace('PROP=2', 'PROP=5'), 64)).map(device => device.roles), [['touchpad']])
  })

  it('a presenter remote with a few keys (B, Esc, F5, page up and down) is not a keyboard', () => {
    const text = 'N: Name="Logitech USB Receiver"\nH: Handlers=sysrq kbd event12\nB: EV=120013\nB: KEY=210000000000 8001000000000002\n'
    const [device] = parseDevices(text, 64)
    assert.deepEqual([...device.capabilities.get('KEY')!].sort((a, b) => a - b), [1, 48, 63, 104, 109])
    assert.deepEqual(device.roles, [])
  })

  it('a block without an event handler, or garbage, is skipped', () => {
    assert.deepEqual(parseDevices('N: Name="x"\nH: Handlers=kbd\n\nnot a device\n\n', 64), [])
  })
})
