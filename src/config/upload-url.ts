import net from 'node:net'

import {UsageError} from '../core/errors.js'
import {maskQuery, urlWithoutQuery} from '../core/url-secret.js'

/**
 * Which upload destinations are allowed, and how one is shown (scheme, host and path only). Pure
 * functions; here rather than in transfer/ because `config set upload.url` refuses at set time
 * exactly what `upload` would refuse later, and config must not depend on the network room.
 */

export interface Destination {
  url: URL
  /** https: TLS, verified against the system CAs (plus --ca). */
  secure: boolean
  /**
   * http://localhost: the name must resolve to a loopback address, checked on the resolved
   * addresses before the socket connects (a hosts file could point it elsewhere).
   */
  loopbackName: boolean
  /** The URL as the ledger, the preview and errors show it: scheme, host and path only. */
  display: string
  /** The URL has a query string (not shown anywhere: for a presigned URL it is the signature). */
  hasQuery: boolean
}

/**
 * The one name taken for loopback. Not `localhost.` (with the root dot): the system resolver sends
 * that to DNS rather than the hosts file, so the name would leave the machine and the answer
 * would come from whoever runs the DNS server.
 */
const LOOPBACK_NAME = 'localhost'

/** The eight 16-bit groups of an IPv6 address (`::` expanded, an embedded dotted IPv4 tail converted), or undefined. */
export function ipv6Groups(address: string): number[] | undefined {
  if (!net.isIPv6(address)) return undefined
  let text = address.toLowerCase()
  const dotted = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text)
  if (dotted) {
    const [a, b, c, d] = dotted.slice(1).map(Number)
    text = `${text.slice(0, dotted.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`
  }

  const [head, tail] = text.includes('::') ? text.split('::') : [text, undefined]
  const left = head ? head.split(':') : []
  const right = tail === undefined ? [] : (tail ? tail.split(':') : [])
  const missing = 8 - left.length - right.length
  const groups = [...left, ...Array.from({length: tail === undefined ? 0 : missing}, () => '0'), ...right]
  return groups.length === 8 ? groups.map(group => Number.parseInt(group, 16)) : undefined
}

/**
 * Whether an IP address is a loopback address: 127.0.0.0/8, ::1, or 127.0.0.0/8 mapped into
 * IPv6 (::ffff:127.x.y.z). Names are not addresses: this says false for them.
 */
export function isLoopbackAddress(address: string): boolean {
  const bare = address.startsWith('[') && address.endsWith(']') ? address.slice(1, -1) : address
  if (net.isIPv4(bare)) return Number(bare.split('.')[0]) === 127
  const groups = ipv6Groups(bare)
  if (!groups) return false
  const zeros = (from: number, to: number): boolean => groups.slice(from, to).every(group => group === 0)
  if (zeros(0, 7) && groups[7] === 1) return true
  return zeros(0, 5) && groups[5] === 0xFF_FF && groups[6] >> 8 === 127
}

/**
 * Whether a URL host (as `URL.hostname` gives it: IPv6 in brackets, IPv4 normalised) is the
 * loopback interface: a loopback address, or exactly the name `localhost`. Names that merely
 * start like one (`127.0.0.1.evil.com`, `localhost.evil.com`) are not.
 */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.toLowerCase()
  return host === LOOPBACK_NAME || isLoopbackAddress(host)
}

/**
 * The URL without credentials, query or fragment: safe for the ledger, the preview and errors.
 * Not even the query's names: scheme, host and path are what identify the destination.
 */
export function displayUrl(url: URL): string {
  return urlWithoutQuery(url.href)
}

/**
 * Check a destination before anything is built or sent. Refused (usage errors, exit 2): text
 * that is not a URL, schemes other than http and https, credentials in the URL (they would end
 * up in shell history and config files; DEVTRACE_UPLOAD_TOKEN is the place for a secret), and
 * `http://` to anything but the loopback interface (the payload and token would cross the
 * network in clear text).
 */
export function checkUploadUrl(text: string): Destination {
  let url: URL
  try {
    url = new URL(text)
  } catch {
    throw new UsageError(`"${maskQuery(text)}" is not a URL.`, 'Give a full URL, e.g. --to https://example.com/devtrace.')
  }

  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new UsageError(`Uploads go over https:// (or http:// to this machine), not ${url.protocol}//.`, 'Give an https:// URL.')
  }

  const display = displayUrl(url)
  if (url.username || url.password) {
    throw new UsageError(
      `Refusing a destination with credentials in it (${display}).`,
      'Remove them from the URL and put a bearer token in DEVTRACE_UPLOAD_TOKEN instead.',
    )
  }

  const secure = url.protocol === 'https:'
  if (!secure && !isLoopbackHost(url.hostname)) {
    const rooted = url.hostname.toLowerCase() === `${LOOPBACK_NAME}.`
    throw new UsageError(
      `Refusing to upload over plain http:// to ${url.hostname}: only loopback addresses (127.0.0.0/8, ::1, localhost) may use http://. Nothing was sent.`,
      rooted
        ? `Write it without the final dot: http://localhost${url.port ? `:${url.port}` : ''}${url.pathname} (with the dot the name is looked up in DNS).`
        : `Use https://${url.host}${url.pathname}.`,
    )
  }

  return {
    url, secure, loopbackName: !secure && url.hostname.toLowerCase() === LOOPBACK_NAME, display, hasQuery: url.search.length > 1,
  }
}
