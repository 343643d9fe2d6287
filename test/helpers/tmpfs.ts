import {spawnSync} from 'node:child_process'
import {mkdirSync, rmSync} from 'node:fs'
import os from 'node:os'
import path from 'node:path'

/** Mount a tmpfs of `bytes` (root only): a disk that fills up, or that can be made read-only. */
export function fsMount(bytes: number): string {
  const dir = path.join(os.tmpdir(), `devtrace-mount-${process.pid}-${Date.now()}`)
  mkdirSync(dir)
  const result = spawnSync('mount', ['-t', 'tmpfs', '-o', `size=${bytes}`, 'tmpfs', dir], {encoding: 'utf8'})
  if (result.status !== 0) throw new Error(`mount failed: ${result.stderr}`)
  return dir
}

export function fsUnmount(dir: string): void {
  spawnSync('umount', ['-l', dir])
  rmSync(dir, {force: true, recursive: true})
}
