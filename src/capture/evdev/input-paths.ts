import path from 'node:path'

/** Where the kernel's input devices are listed and opened. */
export interface InputPaths {
  /** The device list, in the `/proc/bus/input/devices` text format. */
  devicesFile: string
  /** The folder holding the `eventN` device files (watched for devices that come and go). */
  eventDir: string
}

/**
 * The real locations, or one folder holding both `devices` and the `eventN` files when
 * DEVTRACE_INPUT_DIR is set (tests feed the kernel's byte format through named pipes there,
 * since a virtual device needs `uinput`, which not every kernel has).
 */
export function inputPaths(env: NodeJS.ProcessEnv = process.env): InputPaths {
  const dir = env.DEVTRACE_INPUT_DIR
  if (dir) return {devicesFile: path.join(dir, 'devices'), eventDir: dir}
  return {devicesFile: '/proc/bus/input/devices', eventDir: '/dev/input'}
}
