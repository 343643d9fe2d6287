import {execFileSync} from 'node:child_process'
import {
  mkdtempSync, rmSync, unlinkSync, writeFileSync,
} from 'node:fs'
import {type FileHandle, open} from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'

import {encodeInputEvent} from '../../src/capture/evdev/input-event.js'

/** A device as the kernel lists it: its `devices` block, by the bitmaps of a real device of that kind. */
export function keyboardBlock(event: string, name = 'AT Translated Set 2 keyboard'): string {
  return [
    'I: Bus=0011 Vendor=0001 Product=0001 Version=ab83',
    `N: Name="${name}"`,
    'P: Phys=isa0060/serio0/input0',
    'S: Sysfs=/devices/platform/i8042/serio0/input/input3',
    'U: Uniq=',
    `H: Handlers=sysrq kbd leds ${event} `,
    'B: PROP=0',
    'B: EV=120013',
    'B: KEY=402000000 3803078f800d001 feffffdfffefffff fffffffffffffffe',
    'B: MSC=10',
    'B: LED=7',
  ].join('\n')
}

/** A USB mouse; `hiRes`: it reports REL_WHEEL_HI_RES / REL_HWHEEL_HI_RES (120 per notch) as well. */
export function mouseBlock(event: string, options: {hiRes: boolean; name?: string}): string {
  return [
    'I: Bus=0003 Vendor=046d Product=c08b Version=0111',
    `N: Name="${options.name ?? 'USB Optical Mouse'}"`,
    'P: Phys=usb-0000:00:14.0-3/input0',
    'S: Sysfs=/devices/pci0000:00/0000:00:14.0/usb1/1-3/1-3:1.0/0003:046D:C08B.0004/input/input5',
    'U: Uniq=',
    `H: Handlers=mouse0 ${event} `,
    'B: PROP=0',
    'B: EV=17',
    'B: KEY=ffff0000 0 0 0 0',
    `B: REL=${options.hiRes ? '1943' : '143'}`,
    'B: MSC=10',
  ].join('\n')
}

/** A power button: listed with an event handler, never read. */
export function powerButtonBlock(event: string): string {
  return [
    'I: Bus=0019 Vendor=0000 Product=0001 Version=0000',
    'N: Name="Power Button"',
    'P: Phys=LNXPWRBN/button/input0',
    'S: Sysfs=/devices/LNXSYSTM:00/LNXPWRBN:00/input/input1',
    'U: Uniq=',
    `H: Handlers=kbd ${event} `,
    'B: PROP=0',
    'B: EV=3',
    'B: KEY=10000000000000 0',
  ].join('\n')
}

/** One kernel record; `ms` is the kernel's time of the event in milliseconds (fractions are microseconds). */
export interface FeedEvent {
  type: number
  code: number
  value: number
  ms: number
}

export function record(event: FeedEvent): Buffer {
  const micros = Math.round(event.ms * 1000)
  return encodeInputEvent({
    seconds: Math.floor(micros / 1e6), micros: micros % 1e6, type: event.type, code: event.code, value: event.value,
  })
}

/** The write side of one fake device: a named pipe the daemon's reader opens like `/dev/input/eventN`. */
export class FeedDevice {
  private handle: FileHandle | undefined

  constructor(readonly file: string) {}

  /** Resolves once the reader has the pipe open (opening a FIFO for writing waits for a reader). */
  async connect(): Promise<void> {
    this.handle ??= await open(this.file, 'w')
  }

  /** Write the records as one write (a device hands over whole frames). */
  async write(events: FeedEvent[]): Promise<void> {
    await this.connect()
    await this.handle!.write(Buffer.concat(events.map(event => record(event))))
  }

  /** Write raw bytes (to split a record across reads). */
  async writeBytes(bytes: Buffer): Promise<void> {
    await this.connect()
    await this.handle!.write(bytes)
  }

  async close(): Promise<void> {
    await this.handle?.close()
    this.handle = undefined
  }
}

/**
 * A DEVTRACE_INPUT_DIR: the `devices` list and one named pipe per listed device, so the evdev
 * backend reads the kernel's exact byte format without a real device (no uinput here).
 */
export class EvdevFeed {
  readonly dir = mkdtempSync(path.join(os.tmpdir(), 'devtrace-input-'))
  private readonly blocks = new Map<string, string>()
  private readonly devices: FeedDevice[] = []

  /** List a device and make its `eventN` pipe; other blocks (a power button) are listed without a pipe. */
  add(event: string, block: string, options: {pipe?: boolean} = {}): FeedDevice {
    this.blocks.set(event, block)
    this.writeList()
    const device = new FeedDevice(path.join(this.dir, event))
    if (options.pipe ?? true) {
      execFileSync('mkfifo', [device.file])
      this.devices.push(device)
    }

    return device
  }

  /** Unplug: the kernel drops it from the list, its node goes, and its reader sees the end. */
  async remove(event: string): Promise<void> {
    this.blocks.delete(event)
    this.writeList()
    const device = this.devices.find(candidate => candidate.file === path.join(this.dir, event))
    unlinkSync(path.join(this.dir, event))
    await device?.close()
  }

  async cleanup(): Promise<void> {
    for (const device of this.devices) await device.close()
    rmSync(this.dir, {force: true, recursive: true})
  }

  private writeList(): void {
    // /proc/bus/input/devices ends every block with a blank line.
    writeFileSync(path.join(this.dir, 'devices'), [...this.blocks.values()].map(block => `${block}\n\n`).join(''))
  }
}

