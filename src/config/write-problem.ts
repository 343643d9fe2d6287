import {statSync} from 'node:fs'
import path from 'node:path'

import {DevtraceError} from '../core/errors.js'

/**
 * Why a file could not be written, in a few plain words, from a Node errno code or from the text
 * of a DuckDB IO error (DuckDB reports the OS error as prose, not as a code). Undefined when the
 * error is something else.
 */
const BY_CODE: Record<string, string> = {
  EACCES: 'permission denied',
  EDQUOT: 'it is over its disk quota',
  ENOSPC: 'the disk is full',
  EPERM: 'permission denied',
  EROFS: 'it is on a read-only file system',
}

const BY_TEXT: Array<[RegExp, string]> = [
  [/no space left on device/i, BY_CODE.ENOSPC],
  [/disk quota exceeded/i, BY_CODE.EDQUOT],
  [/read-only file system/i, BY_CODE.EROFS],
  [/permission denied/i, BY_CODE.EACCES],
]

export function writeProblem(error: unknown): string | undefined {
  const code = (error as NodeJS.ErrnoException | undefined)?.code
  if (code && BY_CODE[code]) return BY_CODE[code]
  const text = error instanceof Error ? error.message : String(error)
  return BY_TEXT.find(([pattern]) => pattern.test(text))?.[1]
}

/** A path that should be a folder is a file (mkdir says EEXIST, or ENOTDIR for a file higher up). */
export function isFileInTheWay(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException | undefined)?.code
  return code === 'EEXIST' || code === 'ENOTDIR'
}

/** The file that stands where `folder` or one of its parents should be (mkdir's error names the folder it wanted). */
function blockingFile(folder: string): string {
  for (let current = folder; ; current = path.dirname(current)) {
    try {
      if (!statSync(current).isDirectory()) return current
    } catch {
      // Missing: look one level up.
    }

    if (path.dirname(current) === current) return folder
  }
}

/**
 * The one sentence for a state folder devtrace cannot use, or undefined when `error` is not a
 * problem with the folder (the caller rethrows it then).
 */
export function stateFolderError(error: unknown, folder: string): DevtraceError | undefined {
  if (error instanceof DevtraceError) return error
  if (isFileInTheWay(error)) {
    const target = blockingFile((error as NodeJS.ErrnoException).path ?? folder)
    const home = target === folder && process.env.DEVTRACE_HOME
    return new DevtraceError(`${home ? 'DEVTRACE_HOME ' : ''}${target} is a file, but devtrace needs a folder there.`, {
      suggestion: home ? 'Point DEVTRACE_HOME at a folder (devtrace creates it if missing).' : `Move the file ${target} away.`,
      cause: error,
    })
  }

  const reason = writeProblem(error)
  if (!reason) return undefined
  return new DevtraceError(`devtrace cannot write to its folder ${folder}: ${reason}.`, {
    suggestion: 'Make it writable or free some space, or point DEVTRACE_HOME at another folder.',
    cause: error,
  })
}
