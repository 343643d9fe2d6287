import {statSync} from 'node:fs'

/** A file's size in bytes, 0 when it does not exist (yet, or any more: a WAL comes and goes). */
export function fileSize(file: string): number {
  try {
    return statSync(file).size
  } catch {
    return 0
  }
}
