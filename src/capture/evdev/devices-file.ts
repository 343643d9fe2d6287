import {
  ABS_X, ABS_Y, BTN_TOOL_FINGER, BTN_TOUCH, EV_ABS, EV_KEY, EV_REL, INPUT_PROP_DIRECT,
  REL_HWHEEL_HI_RES, REL_WHEEL_HI_RES, REL_X, REL_Y,
} from './event-codes.js'
import {LONG_BITS} from './input-event.js'

/** What devtrace reads from a device: typing, pointer motion, or touchpad motion. */
export type DeviceRole = 'keyboard' | 'pointer' | 'touchpad'

/** One entry of `/proc/bus/input/devices` that has an `eventN` handler. */
export interface InputDeviceInfo {
  /** The handler's name, e.g. `event3`: the file in the event folder. */
  event: string
  name: string
  /** `Phys=`: where it is attached (`usb-0000:00:14.0-2/input0`); may be empty. */
  phys: string
  /** Capability bitmaps by `B:` name (EV, KEY, REL, ABS, PROP, …): the set bit numbers. */
  capabilities: ReadonlyMap<string, ReadonlySet<number>>
  /** What devtrace reads from it; empty when it is none of those (a power button, a lid switch, a speaker). */
  roles: DeviceRole[]
  /** It reports high-resolution wheel values (120 per notch), which then replace the plain ones. */
  hiResWheel: boolean
  hiResHWheel: boolean
}

// KEY_Q…KEY_P, KEY_A…KEY_L, KEY_Z…KEY_M: a device with all of them types text. Power buttons,
// lid switches, media remotes and video-bus brightness keys have some EV_KEY codes, never these.
const LETTER_KEYS = [16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 30, 31, 32, 33, 34, 35, 36, 37, 38, 44, 45, 46, 47, 48, 49, 50]

/**
 * Parse the device list (`/proc/bus/input/devices` format: blocks of `X: ...` lines separated by
 * blank lines). A bitmap is hex words of the machine's `long`, highest word first.
 */
export function parseDevices(text: string, longBits: number = LONG_BITS): InputDeviceInfo[] {
  const devices: InputDeviceInfo[] = []
  for (const block of text.split(/\n\s*\n/)) {
    const device = parseBlock(block, longBits)
    if (device) devices.push(device)
  }

  return devices
}

/** The devices devtrace reads: keyboards, pointers and touchpads. */
export function capturedDevices(devices: InputDeviceInfo[]): InputDeviceInfo[] {
  return devices.filter(device => device.roles.length > 0)
}

function parseBlock(block: string, longBits: number): InputDeviceInfo | undefined {
  let name = ''
  let phys = ''
  let event: string | undefined
  const capabilities = new Map<string, Set<number>>()
  for (const rawLine of block.split('\n')) {
    const line = rawLine.trim()
    const kind = line.slice(0, 2)
    const rest = line.slice(2).trim()
    switch (kind) {
    case 'B:': {
      const match = /^(?<key>[A-Z]+)=(?<words>[\da-f ]*)$/i.exec(rest)
      if (match?.groups) capabilities.set(match.groups.key.toUpperCase(), bitsOf(match.groups.words, longBits))

      break;
    }

    case 'H:': {
      event = rest.replace(/^Handlers=/, '').split(/\s+/).find(handler => /^event\d+$/.test(handler))
      break;
    }

    case 'N:': {
      name = /^Name="(?<name>.*)"$/.exec(rest)?.groups?.name ?? rest.replace(/^Name=/, '')
      break;
    }

    case 'P:': {
      phys = rest.replace(/^Phys=/, '')
      break;
    }
    // No default
    }
  }

  if (!event) return undefined
  const has = (bitmap: string, bit: number): boolean => capabilities.get(bitmap)?.has(bit) ?? false
  return {
    event,
    name,
    phys,
    capabilities,
    roles: rolesOf(has),
    hiResWheel: has('REL', REL_WHEEL_HI_RES),
    hiResHWheel: has('REL', REL_HWHEEL_HI_RES),
  }
}

function rolesOf(has: (bitmap: string, bit: number) => boolean): DeviceRole[] {
  const roles: DeviceRole[] = []
  // A combined receiver (one device for a keyboard and a mouse) is both.
  if (has('EV', EV_KEY) && LETTER_KEYS.every(key => has('KEY', key))) roles.push('keyboard')
  if (has('EV', EV_REL) && has('REL', REL_X) && has('REL', REL_Y)) roles.push('pointer')
  // A touchscreen or tablet (INPUT_PROP_DIRECT) also reports BTN_TOUCH and ABS_X/Y, but there a
  // touch is a point on the screen, not motion of the pointer.
  if (
    has('EV', EV_ABS) && has('ABS', ABS_X) && has('ABS', ABS_Y)
    && has('KEY', BTN_TOUCH) && has('KEY', BTN_TOOL_FINGER) && !has('PROP', INPUT_PROP_DIRECT)
  ) roles.push('touchpad')
  return roles
}

/** The set bits of a bitmap written as hex words of `longBits` bits, highest word first. */
export function bitsOf(words: string, longBits: number = LONG_BITS): Set<number> {
  const bits = new Set<number>()
  const list = words.trim().split(/\s+/).filter(Boolean).reverse()
  for (const [index, word] of list.entries()) {
    let value = BigInt(`0x${word}`)
    let bit = index * longBits
    while (value > 0n) {
      if (value & 1n) bits.add(bit)
      value >>= 1n
      bit++
    }
  }

  return bits
}
