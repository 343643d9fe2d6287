import {readFileSync, statSync} from 'node:fs'

import {UsageError} from '../core/errors.js'
import {hasQuery} from '../core/url-secret.js'

/**
 * Where `upload` sends to, and where that was said. A presigned URL's query string is a
 * credential, and a command line is not private (any user can read argv with `ps`), so the URL
 * can also come from a file or the environment. First given wins: --to, --to-file,
 * DEVTRACE_UPLOAD_URL, then config upload.url.
 */

export type TargetSource = 'config' | 'env' | 'file' | 'flag'

export interface UploadTarget {
  /** The URL as given; shown nowhere (displayUrl is). */
  url: string
  source: TargetSource
  /** Said before anything else: the URL's query string is where others can read it. */
  warnings: string[]
}

/** A URL file larger than this is not a URL file (a presigned URL is a few hundred bytes to a few kilobytes). */
const URL_FILE_MAX_BYTES = 64 * 1024

/** The one URL in a --to-file file: its only non-blank line, surrounding white space removed. */
export function readUrlFile(file: string): string {
  let text: string
  try {
    if (statSync(file).size > URL_FILE_MAX_BYTES) throw Object.assign(new Error('too large'), {code: 'EFBIG'})
    text = readFileSync(file, 'utf8')
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'EIO'
    throw new UsageError(`Cannot read the --to-file file ${file}: ${code}.`, 'Give a file that holds the URL on one line.')
  }

  const lines = text.split(/\r?\n/).map(line => line.trim()).filter(Boolean)
  if (lines.length === 0) throw new UsageError(`The --to-file file ${file} is empty.`, 'Write the URL into it, on one line.')
  // Not quoted back: the lines may be URLs with their signatures.
  if (lines.length > 1) throw new UsageError(`The --to-file file ${file} has ${lines.length} lines; it must hold one URL.`, 'Keep one URL per file (one file per upload).')
  return lines[0]
}

/**
 * Where others could read the URL's query string: on the command line (argv, shown by `ps`), or
 * in a --to-file file that other users may read.
 */
export function exposureWarnings(source: TargetSource, url: string, file?: string): string[] {
  if (!hasQuery(url)) return []
  if (source === 'flag') {
    const warning = 'Warning: the URL given with --to has a query string (a presigned URL\'s signature): other users of this machine can read it in `ps` while devtrace runs.'
    return [`${warning} Pass it with --to-file PATH or DEVTRACE_UPLOAD_URL instead.`]
  }

  if (source === 'file' && file !== undefined && process.platform !== 'win32') {
    const mode = statSync(file).mode & 0o777
    if (mode & 0o077) return [`Warning: other users can read ${file} (mode ${mode.toString(8).padStart(4, '0')}), and the URL's query string in it is a credential. Run chmod 600 ${file}.`]
  }

  return []
}

export function uploadTarget(flags: {to?: string; toFile?: string}, configured: string | undefined, env: NodeJS.ProcessEnv): UploadTarget {
  if (flags.to !== undefined && flags.toFile !== undefined) throw new UsageError('Give --to or --to-file, not both.')
  if (flags.to !== undefined) return {url: flags.to, source: 'flag', warnings: exposureWarnings('flag', flags.to)}
  if (flags.toFile !== undefined) {
    const url = readUrlFile(flags.toFile)
    return {url, source: 'file', warnings: exposureWarnings('file', url, flags.toFile)}
  }

  const fromEnv = env.DEVTRACE_UPLOAD_URL?.trim()
  if (fromEnv) return {url: fromEnv, source: 'env', warnings: []}
  if (configured) return {url: configured, source: 'config', warnings: []}
  throw new UsageError(
    'No destination: give --to URL.',
    'Or --to-file PATH or DEVTRACE_UPLOAD_URL (for a URL with a signature in it), or set a default with `devtrace config set upload.url https://…`.',
  )
}
