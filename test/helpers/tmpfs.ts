import {spawnSync} from 'node:child_process'
import {mkdirSync, rmSync} from 'node:fs'
import os from 'node:os'
import path from 'node:path'

/** Mount a private tmpfs of `bytes` (root only): a disk that fills up or turns read-only on demand. */
export function fsMount(bytes: number): string {
  const dir = path.join(os.tmpdir(), `devtrace-mount-${process.pid}-${Date.now()}`)
  mkdirSync(dir)
  const result = spawnSync('mount', ['-t', 'tmpfs', '-o', `size=${bytes}`, 'tmpfs', dir], {encoding: 'utf8'})
  if (result.status !== 0) throw new Error(`mount failed: ${result.stderr}`)
  return dir
}

/** Unmount (lazily: a daemon that is still exiting may hold its log open) and remove the folder. */
export function fsUnmount(dir: string): void {
  spawnSync('umount', ['-l', dir])
  rmSync(dir, {force: true, recursive: true})
}
