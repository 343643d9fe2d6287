import {closeSync, fsyncSync, openSync} from 'node:fs'
import path from 'node:path'

/** Make a file's creation, rename or removal durable: fsync the folder that names it. */
export function fsyncFolderOf(file: string): void {
  // Windows cannot open a folder for fsync; NTFS journals the name itself.
  if (process.platform === 'win32') return
  const fd = openSync(path.dirname(file), 'r')
  try {
    fsyncSync(fd)
  } finally {
    closeSync(fd)
  }
}

/** Make a file's contents durable before it is renamed into place. */
export function fsyncFile(file: string): void {
  const fd = openSync(file, 'r')
  try {
    fsyncSync(fd)
  } finally {
    closeSync(fd)
  }
}
