import {
  accessSync, closeSync, constants, openSync, readdirSync, statSync,
} from 'node:fs'
import path from 'node:path'

import {inputPaths} from './input-paths.js'

/** Which of the kernel's `eventN` devices this process can read. */
export interface DeviceAccess {
  /** The folder looked in (`/dev/input`, or DEVTRACE_INPUT_DIR). */
  eventDir: string
  /** `eventN` names, in device order. */
  readable: string[]
  unreadable: string[]
}

const EVENT_NAME = /^event(\d+)$/

/**
 * Try each `eventN` the way the reader will use it: open it for reading. Mode bits alone would
 * mislead: logind's access lists, security modules and `nodev` mounts all decide too, and root
 * passes every mode check. A folder that does not exist holds no devices (a container, say).
 */
export function deviceAccess(env: NodeJS.ProcessEnv = process.env): DeviceAccess {
  const {eventDir} = inputPaths(env)
  const access: DeviceAccess = {eventDir, readable: [], unreadable: []}
  let names: string[]
  try {
    names = readdirSync(eventDir)
  } catch (error) {
    if (isMissing(error)) return access
    // Devices we may not even list are devices we cannot read.
    access.unreadable.push(path.basename(eventDir))
    return access
  }

  const events = names.filter(name => EVENT_NAME.test(name)).sort((a, b) => deviceNumber(a) - deviceNumber(b))
  for (const name of events) {
    if (canRead(path.join(eventDir, name))) access.readable.push(name)
    else access.unreadable.push(name)
  }

  return access
}

function canRead(file: string): boolean {
  try {
    // Tests stand in named pipes for devices. Opening a pipe's read end would hand a writer that
    // is waiting in open() a reader that vanishes at once (its next write fails), so for a pipe
    // the permission check has to do; real devices are character devices and are opened.
    if (statSync(file).isFIFO()) {
      accessSync(file, constants.R_OK)
      return true
    }

    // Non-blocking: opening a device must not wait for input; it is closed at once.
    closeSync(openSync(file, constants.O_RDONLY | constants.O_NONBLOCK))
    return true
  } catch {
    return false
  }
}

function deviceNumber(name: string): number {
  return Number(EVENT_NAME.exec(name)?.[1] ?? 0)
}

function isMissing(error: unknown): boolean {
  const {code} = (error as NodeJS.ErrnoException)
  return code === 'ENOENT' || code === 'ENOTDIR'
}
