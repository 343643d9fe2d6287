import {createHash} from 'node:crypto'

import {UsageError} from '../core/errors.js'

/**
 * The rules of `upload`, as pure functions (no I/O, unit-tested): which destinations are
 * allowed, what a destination looks like in the ledger, the headers, the idempotency key, which
 * failures are worth another attempt and how long to wait before it. The network code that
 * applies them is in upload.ts.
 */

// ---- destinations (the rules live with config: src/config/upload-url.ts) ----

export {
  checkUploadUrl, type Destination, displayUrl, ipv6Groups, isLoopbackAddress, isLoopbackHost,
} from '../config/upload-url.js'

// ---- method and headers ----

/**
 * post: to a server that receives devtrace payloads (Idempotency-Key, X-Devtrace-Sha256, a bearer
 * token). put: one object to a presigned object-storage URL (S3 and compatible stores), whose
 * query string is the credential.
 */
export const UPLOAD_METHODS = ['post', 'put'] as const
export type UploadMethod = (typeof UPLOAD_METHODS)[number]

/**
 * A media type as --content-type takes it: `type/subtype`, optionally with parameters, in
 * visible ASCII (it becomes a header, and a presigned URL signed for a type compares it byte for
 * byte).
 */
export function checkContentType(text: string): string {
  if (!/^[\w!#$&^.+-]+\/[\w!#$&^.+-]+(?:\s*;\s*[\w!#$&^.+-]+=(?:[\w!#$&^.+-]+|"[^"\\]*"))*$/.test(text)) {
    throw new UsageError(`--content-type "${oneLine(text, 80)}" is not a media type.`, 'Give it as type/subtype, exactly as the URL was signed for, e.g. --content-type application/octet-stream.')
  }

  return text
}

/**
 * The Idempotency-Key: the same payload to the same URL always gets the same key, across the
 * attempts of one upload and across runs (sending the same bytes twice is one upload to a server
 * that honours the header); anything else gets a different one. 32 hex digits of
 * sha256("devtrace-upload" ‖ URL ‖ payload sha256).
 */
export function idempotencyKey(payloadSha256: string, url: URL | string): string {
  const href = typeof url === 'string' ? new URL(url).href : url.href
  return createHash('sha256').update(`devtrace-upload\n${href}\n${payloadSha256.toLowerCase()}`).digest('hex').slice(0, 32)
}

export interface HeaderOptions {
  method: UploadMethod
  contentType: string
  bytes: number
  sha256: string
  key: string
  /** DEVTRACE_UPLOAD_TOKEN, if set. */
  token?: string
  version?: string
}

/**
 * The request headers. Nothing prints, logs or stores them: the Authorization one carries the token.
 *
 * A PUT to a presigned URL sends only Content-Type, Content-Length and User-Agent. The signature
 * covers the headers the signer listed (always Host; Content-Type when signed for one); the store
 * ignores other ordinary headers but refuses any unsigned x-amz-* header, and an Authorization
 * header would be taken as a second, conflicting credential. So no token and nothing of our own:
 * the sha256 is in the preview and the ledger instead.
 */
export function uploadHeaders(options: HeaderOptions): Record<string, string> {
  if (options.method === 'put') {
    return {
      'Content-Type': options.contentType,
      'Content-Length': String(options.bytes),
      'User-Agent': `devtrace/${options.version ?? '0'}`,
    }
  }

  const headers: Record<string, string> = {
    'Content-Type': options.contentType,
    'Content-Length': String(options.bytes),
    'X-Devtrace-Sha256': options.sha256,
    'Idempotency-Key': options.key,
    'User-Agent': `devtrace/${options.version ?? '0'}`,
  }
  if (options.token) headers.Authorization = `Bearer ${options.token}`
  return headers
}

/**
 * DEVTRACE_UPLOAD_TOKEN, checked: unset or empty is no token; anything but visible ASCII (a
 * newline pasted with it, say) is refused without echoing it.
 */
export function uploadToken(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const token = env.DEVTRACE_UPLOAD_TOKEN?.trim()
  if (!token) return undefined
  if (!/^[\u0021-\u007E]+$/.test(token)) {
    throw new UsageError(
      'DEVTRACE_UPLOAD_TOKEN contains characters that cannot go in an HTTP header (spaces, newlines or non-ASCII).',
      'Set it to the token alone.',
    )
  }

  return token
}

// ---- retries ----

export const DEFAULT_RETRIES = 3
/** Give up once this much time has gone to connecting, waiting and backing off (time spent sending the body does not count). */
export const DEFAULT_BUDGET_MS = 15_000
export const CONNECT_TIMEOUT_MS = 5000
/** No byte moving either way for this long (while sending, or waiting for the response). */
export const IDLE_TIMEOUT_MS = 10_000
/** A Retry-After longer than this is not waited for. */
export const MAX_RETRY_AFTER_MS = 10_000

const BACKOFF_BASE_MS = 500
const BACKOFF_CAP_MS = 4000

/**
 * How long to wait before retry number `retry` (1 for the first retry): exponential (0.5 s, 1 s,
 * 2 s, 4 s, then 4 s), with "equal jitter" — half fixed, half random — so that many clients
 * retrying at once spread out while each still backs off.
 */
export function backoffDelayMs(retry: number, random: () => number = Math.random): number {
  const ceiling = Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * 2 ** Math.max(0, retry - 1))
  return Math.round(ceiling / 2 + random() * (ceiling / 2))
}

export type Verdict = 'final' | 'ok' | 'retry'

/**
 * What an HTTP status means: 2xx is delivered; 408, 429 and 5xx (but 501 Not Implemented and
 * 505 HTTP Version Not Supported, which will not change) are worth another attempt; everything
 * else — other 4xx, and 3xx (redirects are not followed: the data goes only where the user
 * said) — is final.
 */
export function classifyStatus(status: number): Verdict {
  if (status >= 200 && status < 300) return 'ok'
  if (status === 408 || status === 429) return 'retry'
  if (status >= 500 && status < 600 && status !== 501 && status !== 505) return 'retry'
  return 'final'
}

/** Our own error codes for the timeouts (Node's ETIMEDOUT is kept for the kernel's). */
export const CONNECT_TIMEOUT = 'EDEVTRACE_CONNECT_TIMEOUT'
export const IDLE_TIMEOUT = 'EDEVTRACE_IDLE_TIMEOUT'
export const BUDGET_SPENT = 'EDEVTRACE_BUDGET'
export const NOT_LOOPBACK = 'EDEVTRACE_NOT_LOOPBACK'
export const ABORTED = 'ABORT_ERR'

/**
 * Not the name-resolution failures (ENOTFOUND, EAI_AGAIN): a name that did not resolve a moment
 * ago will not within the few seconds of backoff, and a retry only repeats the DNS query.
 */
const TRANSIENT_CODES = new Set([
  CONNECT_TIMEOUT,
  'ECONNABORTED',
  'ECONNREFUSED',
  'ECONNRESET',
  'EHOSTDOWN',
  'EHOSTUNREACH',
  'ENETDOWN',
  'ENETUNREACH',
  'EPIPE',
  'ETIMEDOUT',
  IDLE_TIMEOUT,
])

const TLS_CODES = new Set([
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'CERT_REVOKED',
  'CERT_UNTRUSTED',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'ERR_TLS_CERT_ALTNAME_INVALID',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
])

/** Whether a connection error is worth another attempt (the network or the server may recover), or final. */
export function classifyError(code: string | undefined): Verdict {
  return code !== undefined && TRANSIENT_CODES.has(code) ? 'retry' : 'final'
}

/** A connection error in a few words (for the ledger and the message), never with a header in it. */
export function describeError(code: string | undefined, message: string, options: {connectMs?: number; idleMs?: number} = {}): string {
  switch (code) {
  case ABORTED: {
    return 'interrupted'
  }

  case BUDGET_SPENT: {
    return 'out of time'
  }

  case CONNECT_TIMEOUT: {
    return `no connection within ${(options.connectMs ?? CONNECT_TIMEOUT_MS) / 1000} s`
  }

  case 'EAI_AGAIN':
  case 'ENOTFOUND': {
    return 'the host name could not be resolved'
  }

  case 'ECONNREFUSED': {
    return 'connection refused'
  }

  case 'ECONNRESET':
  case 'EPIPE': {
    return 'the connection was closed by the other end'
  }

  case 'EHOSTUNREACH':
  case 'ENETUNREACH': {
    return 'the host is unreachable'
  }

  case IDLE_TIMEOUT: {
    return `nothing moved for ${(options.idleMs ?? IDLE_TIMEOUT_MS) / 1000} s`
  }

  case NOT_LOOPBACK: {
    return 'localhost does not resolve to a loopback address'
  }

  default: {
    if (code && TLS_CODES.has(code)) return `the server's TLS certificate was not accepted (${code})`
    return code ? `${code}: ${oneLine(message, 120)}` : oneLine(message, 120)
  }
  }
}

/** The host name could not be resolved: a typo in the URL or no DNS, not something a retry fixes. */
export function isDnsError(code: string | undefined): boolean {
  return code === 'ENOTFOUND' || code === 'EAI_AGAIN'
}

export function isTlsError(code: string | undefined): boolean {
  return code !== undefined && TLS_CODES.has(code)
}

/**
 * Retry-After in milliseconds (delta-seconds or an HTTP date), or undefined when absent or
 * unreadable.
 */
export function retryAfterMs(header: string | string[] | undefined, now: number = Date.now()): number | undefined {
  const value = (Array.isArray(header) ? header[0] : header)?.trim()
  if (!value) return undefined
  if (/^\d+$/.test(value)) return Number(value) * 1000
  // An HTTP date names its day and month ("Wed, 21 Oct 2015 07:28:00 GMT"); Date.parse alone would take "-5" as a year.
  const date = /^[a-z]{3}, /i.test(value) ? Date.parse(value) : Number.NaN
  return Number.isNaN(date) ? undefined : Math.max(0, date - now)
}

/** Text as one short line: control characters and runs of white space become single spaces, cut at `max` characters. */
export function oneLine(text: string, max = 200): string {
  // eslint-disable-next-line no-control-regex
  const flat = text.replaceAll(/[\u0000-\u001F\u007F\s]+/g, ' ').trim()
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat
}

/**
 * Time left for connecting, waiting and backing off. It runs except while a request body is
 * being sent (a large payload on a slow link is progress, not a failure), so failing uploads
 * give up within the budget whatever the payload size.
 */
export class Budget {
  private spent = 0
  private since: number | undefined

  constructor(
    readonly totalMs: number,
    private readonly now: () => number = Date.now,
  ) {
    this.since = now()
  }

  get running(): boolean {
    return this.since !== undefined
  }

  pause(): void {
    if (this.since === undefined) return
    this.spent += this.now() - this.since
    this.since = undefined
  }

  remainingMs(): number {
    const current = this.since === undefined ? 0 : this.now() - this.since
    return Math.max(0, this.totalMs - this.spent - current)
  }

  resume(): void {
    this.since ??= this.now()
  }
}
