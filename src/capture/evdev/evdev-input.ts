import {
  accessSync, constants, existsSync, type FSWatcher, readFileSync, watch,
} from 'node:fs'
import path from 'node:path'

import type {InputHook} from '../hook.js'
import type {RawInput} from '../normalise.js'
import type {InputPaths} from './input-paths.js'

import {DevtraceError, errorMessage} from '../../core/errors.js'
import {nowMicros} from '../hook.js'
import {type DeviceStream, streamDevice} from './device-stream.js'
import {DeviceTranslator} from './device-translator.js'
import {capturedDevices, type InputDeviceInfo, parseDevices} from './devices-file.js'
import {InputEventDecoder} from './input-event.js'
import {Seat} from './seat.js'

export interface EvdevOptions {
  paths: InputPaths
  log: (line: string) => void
}

/**
 * After a change in the device folder, wait this long before re-reading the list: a plugged-in
 * device's node appears before udev gives it its group, and the kernel lists it a moment later.
 */
const RESCAN_DELAY_MS = 150

/** How a device that cannot be read is named in the log and in the error (the kernel lists devices before udev makes their nodes). */
const ACCESS_FAILURES: Record<string, string> = {EACCES: 'permission denied', ENOENT: 'no device file'}

interface OpenDevice {
  info: InputDeviceInfo
  stream: DeviceStream
  translator: DeviceTranslator
}

/** Read keyboards and pointers from the kernel's input devices and hand each event on as the X11 hook would. */
export async function startEvdevInput(
  onInput: (raw: RawInput, tsMicros: number) => void,
  onListenerError: (error: unknown) => void,
  options: EvdevOptions,
): Promise<InputHook> {
  const input = new EvdevInput(onInput, onListenerError, options)
  input.start()
  return {
    stop: () => input.stop(),
    stats: () => input.stats(),
  }
}

/**
 * The evdev backend: keeps one reader per keyboard, mouse and touchpad listed in the device list,
 * opening devices that appear and closing those that go while it runs.
 */
export class EvdevInput {
  private readonly open = new Map<string, OpenDevice>()
  private readonly seat = new Seat()
  private readonly failures = new Map<string, string>()
  private watcher: FSWatcher | undefined
  private rescanTimer: NodeJS.Timeout | undefined
  private stopped = false
  private eventsRead = 0
  private framesLostClosed = 0

  constructor(
    private readonly onInput: (raw: RawInput, tsMicros: number) => void,
    private readonly onListenerError: (error: unknown) => void,
    private readonly options: EvdevOptions,
  ) {}

  /** Open every keyboard and pointer listed, and watch for more; fails when there is none to read. */
  start(): void {
    const {devicesFile, eventDir} = this.options.paths
    const listed = capturedDevices(this.readList())
    if (listed.length === 0) {
      throw new DevtraceError(`No keyboard, mouse or touchpad is listed in ${devicesFile}.`)
    }

    this.rescan(listed)
    if (this.open.size === 0) {
      const why = [...this.failures].map(([event, reason]) => `${event}: ${reason}`).join('; ')
      throw new DevtraceError(`No keyboard, mouse or touchpad in ${eventDir} could be opened (${why}).`)
    }

    try {
      // /proc cannot be watched; the device folder changes whenever a device comes or goes.
      this.watcher = watch(eventDir, () => this.scheduleRescan())
      this.watcher.on('error', error => this.options.log(`evdev: watching ${eventDir} failed: ${errorMessage(error)}`))
    } catch (error) {
      this.options.log(`evdev: cannot watch ${eventDir} (devices plugged in later are not seen): ${errorMessage(error)}`)
    }
  }

  stop(): void {
    this.stopped = true
    this.watcher?.close()
    clearTimeout(this.rescanTimer)
    for (const event of this.open.keys()) this.close(event)
  }

  /** Counters for `status`. */
  stats(): Record<string, number> {
    let framesLost = this.framesLostClosed
    for (const device of this.open.values()) framesLost += device.translator.framesLost
    return {devices_open: this.open.size, events_read: this.eventsRead, frames_lost: framesLost}
  }

  private readList(): InputDeviceInfo[] {
    const {devicesFile} = this.options.paths
    try {
      return parseDevices(readFileSync(devicesFile, 'utf8'))
    } catch (error) {
      throw new DevtraceError(`Cannot read the input device list ${devicesFile}: ${errorMessage(error)}.`, {cause: error})
    }
  }

  private scheduleRescan(): void {
    if (this.stopped) return
    clearTimeout(this.rescanTimer)
    this.rescanTimer = setTimeout(() => {
      try {
        this.rescan(capturedDevices(this.readList()))
      } catch (error) {
        this.options.log(`evdev: ${errorMessage(error)}`)
      }
    }, RESCAN_DELAY_MS)
  }

  /** Close the devices no longer listed (or whose file is gone) and open the new ones. */
  private rescan(listed: InputDeviceInfo[]): void {
    const {eventDir} = this.options.paths
    const names = new Set(listed.map(device => device.event))
    for (const event of this.open.keys()) {
      if (!names.has(event) || !existsSync(path.join(eventDir, event))) {
        this.close(event)
        this.options.log(`evdev: ${event} is gone`)
      }
    }

    for (const info of listed) {
      if (!this.open.has(info.event)) this.openDevice(info)
    }
  }

  private openDevice(info: InputDeviceInfo): void {
    const file = path.join(this.options.paths.eventDir, info.event)
    try {
      // Checked here so a device this user may not read is reported now, by name.
      accessSync(file, constants.R_OK)
    } catch (error) {
      const reason = ACCESS_FAILURES[(error as NodeJS.ErrnoException).code ?? ''] ?? errorMessage(error)
      if (this.failures.get(info.event) !== reason) this.options.log(`evdev: cannot read ${file} (${info.name}): ${reason}`)
      this.failures.set(info.event, reason)
      return
    }

    this.failures.delete(info.event)
    const decoder = new InputEventDecoder()
    const translator = new DeviceTranslator(info, this.seat, raw => this.deliver(raw))
    const stream = streamDevice(file, {
      onData: chunk => {
        const lostBefore = translator.framesLost
        try {
          decoder.push(chunk, event => {
            this.eventsRead++
            translator.handle(event)
          })
        } catch (error) {
          this.onListenerError(error)
        }

        // Said once per device: the count goes on in `status`.
        if (lostBefore === 0 && translator.framesLost > 0) {
          this.options.log(`evdev: ${info.event} lost events (the kernel's buffer for it overflowed); frames lost are counted`)
        }
      },
      onEnd: reason => {
        if (this.open.get(info.event)?.stream !== stream) return
        this.close(info.event)
        this.options.log(`evdev: ${info.event} closed${reason ? ` (${reason})` : ''}`)
      },
    })
    this.open.set(info.event, {info, stream, translator})
    this.options.log(`evdev: reading ${info.event} ${JSON.stringify(info.name)} as ${info.roles.join(' and ')}`)
  }

  private close(event: string): void {
    const device = this.open.get(event)
    if (!device) return
    this.open.delete(event)
    device.stream.stop()
    device.translator.close()
    this.framesLostClosed += device.translator.framesLost
  }

  /** Stamped with the daemon's clock on receipt, like the X11 hook's events. */
  private deliver(raw: RawInput): void {
    try {
      this.onInput(raw, nowMicros())
    } catch (error) {
      try {
        this.onListenerError(error)
      } catch {
        // The listener's failure must not end the reader.
      }
    }
  }
}
