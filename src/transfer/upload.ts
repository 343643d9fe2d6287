import type {LookupAddress} from 'node:dns'
import type {Socket} from 'node:net'

import dns from 'node:dns'
import {createReadStream, type ReadStream} from 'node:fs'
import http, {type ClientRequest, type IncomingMessage} from 'node:http'
import https from 'node:https'
import tls from 'node:tls'

import {errorMessage} from '../core/errors.js'
import {scrubQuery} from '../core/url-secret.js'
import {
  ABORTED,
  backoffDelayMs,
  Budget,
  BUDGET_SPENT,
  classifyError,
  classifyStatus,
  CONNECT_TIMEOUT,
  CONNECT_TIMEOUT_MS,
  DEFAULT_BUDGET_MS,
  DEFAULT_RETRIES,
  describeError,
  type Destination,
  IDLE_TIMEOUT,
  IDLE_TIMEOUT_MS,
  isDnsError,
  isLoopbackAddress,
  isTlsError,
  MAX_RETRY_AFTER_MS,
  NOT_LOOPBACK,
  oneLine,
  retryAfterMs,
  type UploadMethod,
  type Verdict,
} from './upload-policy.js'

/**
 * The one place devtrace opens a network connection (SPEC "Upload"). One HTTP POST (or PUT) per attempt,
 * the payload streamed from its file with Content-Length set, retried on connection errors,
 * 408, 429 and 5xx with backoff, within a time budget. Redirects are not followed. Nothing here
 * prints, logs or returns a header value, or the URL's query string (scrubbed from the server's
 * answer too: an object store's error quotes the signed request).
 */

export interface SendOptions {
  destination: Destination
  /** Default post. A PUT of the same body to the same URL is idempotent, so it is retried the same way. */
  method?: UploadMethod
  /** The payload file; read afresh for every attempt. */
  file: string
  bytes: number
  /** All request headers (uploadHeaders); Content-Length must match `bytes`. */
  headers: Record<string, string>
  /** Extra trusted CA certificates (PEM), added to the system ones. */
  ca?: string
  /** Retries after the first attempt. */
  retries?: number
  budgetMs?: number
  connectTimeoutMs?: number
  idleTimeoutMs?: number
  signal?: AbortSignal
  /** Called once per attempt that will be retried, before the wait. */
  onRetry?: (info: RetryInfo) => void
  /** Bytes of the body read so far in the current attempt. */
  onProgress?: (sent: number) => void
  random?: () => number
  now?: () => number
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>
}

export interface AttemptRecord {
  /** 1-based. */
  attempt: number
  status?: number
  /** The failure, in a few words, for an attempt without a 2xx. */
  error?: string
  ms: number
}

export interface RetryInfo extends AttemptRecord {
  waitMs: number
}

export interface SendResult {
  ok: boolean
  /** The last HTTP status seen, if any response came. */
  status?: number
  statusText?: string
  /** The start of the last response body, as one line. */
  body?: string
  /** Why it failed (for the ledger and the message); undefined when ok. */
  reason?: string
  /** The last failure was a TLS certificate problem (suggest --ca). */
  tls?: boolean
  /** The host name did not resolve (suggest checking it, not retrying). */
  dns?: boolean
  attempts: AttemptRecord[]
  elapsedMs: number
}

interface ErrorOutcome {
  kind: 'error'
  code?: string
  message: string
}

interface ResponseOutcome {
  kind: 'response'
  status: number
  statusText: string
  headers: IncomingMessage['headers']
  body: string
}

type AttemptOutcome = ErrorOutcome | ResponseOutcome

const RESPONSE_BODY_LIMIT = 64 * 1024

/** A `lookup` for http://localhost that only ever yields loopback addresses (or fails before connecting). */
export function loopbackLookup(
  hostname: string,
  options: dns.LookupOptions,
  callback: (error: NodeJS.ErrnoException | null, address: LookupAddress[] | string, family?: number) => void,
): void {
  dns.lookup(hostname, {...options, all: true}, (error, addresses) => {
    if (error) {
      callback(error, '')
      return
    }

    const safe = addresses.filter(address => isLoopbackAddress(address.address))
    if (safe.length === 0) {
      callback(Object.assign(new Error(`${hostname} does not resolve to a loopback address`), {code: NOT_LOOPBACK}), '')
      return
    }

    if (options.all) callback(null, safe)
    else callback(null, safe[0].address, safe[0].family)
  })
}

const defaultSleep = (ms: number, signal?: AbortSignal): Promise<void> =>
  new Promise(resolve => {
    const timer = setTimeout(done, ms)
    function done(): void {
      clearTimeout(timer)
      signal?.removeEventListener('abort', done)
      resolve()
    }

    signal?.addEventListener('abort', done, {once: true})
  })

/**
 * One attempt: connect (within the connect timeout and the budget), stream the body (the budget
 * paused, an idle timeout instead), wait for the response (within the idle timeout and the
 * budget). Resolves with the response or the error; never rejects.
 */
function attemptOnce(options: SendOptions, budget: Budget): Promise<AttemptOutcome> {
  const {destination} = options
  const connectMs = options.connectTimeoutMs ?? CONNECT_TIMEOUT_MS
  const idleMs = options.idleTimeoutMs ?? IDLE_TIMEOUT_MS
  return new Promise(resolve => {
    let settled = false
    let timer: NodeJS.Timeout | undefined
    let request: ClientRequest | undefined
    const body = createReadStream(options.file)

    const finish = (outcome: AttemptOutcome): void => {
      if (settled) return
      settled = true
      clearTimeout(timer)
      budget.resume()
      options.signal?.removeEventListener('abort', onAbort)
      body.destroy()
      request?.destroy()
      resolve(outcome)
    }

    const fail = (code: string, message: string): void => finish({kind: 'error', code, message})
    /** Arm the one timer: whichever comes first of `ms` and the budget left. */
    const arm = (ms: number, code: string): void => {
      clearTimeout(timer)
      timer = budgetedTimer(budget, ms, code, fail)
    }

    function onAbort(): void {
      fail(ABORTED, 'interrupted')
    }

    if (options.signal?.aborted) {
      onAbort()
      return
    }

    options.signal?.addEventListener('abort', onAbort, {once: true})
    body.on('error', error => fail((error as NodeJS.ErrnoException).code ?? 'EIO', `reading the payload: ${error.message}`))

    try {
      request = openRequest(options)
    } catch (error) {
      fail((error as NodeJS.ErrnoException).code ?? 'EINVAL', errorMessage(error))
      return
    }

    arm(connectMs, CONNECT_TIMEOUT)
    request.once('socket', (socket: Socket) => {
      const connected = (): void => {
        if (settled) return
        // Sending: progress, not waiting. The budget pauses; a stall is caught by the idle timeout.
        clearTimeout(timer)
        budget.pause()
        socket.setTimeout(idleMs, () => fail(IDLE_TIMEOUT, IDLE_TIMEOUT))
        streamBody(body, request!, options.onProgress)
      }

      socket.once(destination.secure ? 'secureConnect' : 'connect', connected)
    })
    request.once('finish', () => {
      if (settled) return
      // Body sent: now waiting for the answer, on the budget again.
      budget.resume()
      arm(idleMs, IDLE_TIMEOUT)
    })
    let responded = false
    request.once('response', response => {
      // The answer counts even if it came before the body was fully sent (a 413, a 401); a write
      // error after it (the server closed early) changes nothing.
      responded = true
      budget.resume()
      arm(idleMs, IDLE_TIMEOUT)
      readResponse(response, finish)
    })
    request.on('error', (error: NodeJS.ErrnoException) => {
      if (!responded) fail(error.code ?? 'EIO', error.message)
    })
  })
}

/** A timer for whichever comes first of `ms` and the budget left; it fails the attempt with the reason of the one that did. */
function budgetedTimer(budget: Budget, ms: number, code: string, fail: (code: string, message: string) => void): NodeJS.Timeout {
  const left = budget.remainingMs()
  const budgetFirst = left < ms
  return setTimeout(() => fail(budgetFirst ? BUDGET_SPENT : code, budgetFirst ? 'out of time' : code), Math.min(ms, left))
}

/** Pipe the payload into the request, reporting the bytes sent so far. */
function streamBody(body: ReadStream, request: ClientRequest, onProgress: ((sent: number) => void) | undefined): void {
  let sent = 0
  body.on('data', chunk => {
    sent += chunk.length
    onProgress?.(sent)
  })
  body.pipe(request)
}

/** The POST or PUT for one attempt, on a fresh connection. */
function openRequest(options: SendOptions): ClientRequest {
  const {destination} = options
  const requestOptions: https.RequestOptions = {
    method: options.method === 'put' ? 'PUT' : 'POST',
    headers: options.headers,
    // A fresh connection per attempt, closed afterwards: nothing lingers, nothing is shared.
    agent: false,
  }
  if (destination.loopbackName) requestOptions.lookup = loopbackLookup as unknown as https.RequestOptions['lookup']
  if (options.ca) requestOptions.ca = [...tls.rootCertificates, options.ca]
  return (destination.secure ? https : http).request(destination.url, requestOptions)
}

/** The response, its body kept up to RESPONSE_BODY_LIMIT: `done` is called once it ends, breaks off or reaches the limit. */
function readResponse(response: IncomingMessage, done: (outcome: AttemptOutcome) => void): void {
  const chunks: Buffer[] = []
  let size = 0
  const end = (): void => done({
    kind: 'response',
    status: response.statusCode ?? 0,
    statusText: response.statusMessage ?? '',
    headers: response.headers,
    body: Buffer.concat(chunks).toString('utf8'),
  })
  response.on('data', (chunk: Buffer) => {
    if (size < RESPONSE_BODY_LIMIT) chunks.push(chunk.subarray(0, RESPONSE_BODY_LIMIT - size))
    size += chunk.length
    if (size >= RESPONSE_BODY_LIMIT) end()
  })
  response.once('end', end)
  response.on('error', end)
  response.once('aborted', end)
}

interface Interpretation {
  verdict: Verdict
  reason: string
  /** What Retry-After asked for, on a 429 or 503. */
  serverWaitMs?: number
  result: Pick<SendResult, 'body' | 'dns' | 'status' | 'statusText' | 'tls'>
  record: Pick<AttemptRecord, 'error' | 'status'>
}

/** What one attempt's outcome means: delivered, worth another attempt, or final; and why, in a few words. */
function interpret(outcome: AttemptOutcome, context: {connectMs: number; idleMs: number; url: URL}, now: number): Interpretation {
  if (outcome.kind === 'error') {
    const reason = scrubQuery(describeError(outcome.code, outcome.message, context), context.url)
    return {
      verdict: classifyError(outcome.code), reason, result: {...(isTlsError(outcome.code) && {tls: true}), ...(isDnsError(outcome.code) && {dns: true})}, record: {error: reason},
    }
  }

  const verdict = classifyStatus(outcome.status)
  const excerpt = oneLine(scrubQuery(outcome.body, context.url))
  let reason = `HTTP ${outcome.status}${outcome.statusText ? ` ${outcome.statusText}` : ''}${excerpt ? `: ${excerpt}` : ''}`
  const {location} = outcome.headers
  if (outcome.status >= 300 && outcome.status < 400 && location) reason += ` (redirected to ${oneLine(scrubQuery(String(location), context.url), 120)}, not followed)`
  return {
    verdict,
    reason,
    serverWaitMs: outcome.status === 429 || outcome.status === 503 ? retryAfterMs(outcome.headers['retry-after'], now) : undefined,
    result: {status: outcome.status, statusText: outcome.statusText, body: excerpt || undefined},
    record: verdict === 'ok' ? {status: outcome.status} : {status: outcome.status, error: reason},
  }
}

/**
 * Send the payload: up to 1 + `retries` attempts, backing off between them (honouring a short
 * Retry-After), and giving up early once the budget is spent. Never throws for network or HTTP
 * failures: the result says what happened, so the caller can put it in the ledger.
 */
export async function sendPayload(options: SendOptions): Promise<SendResult> {
  const now = options.now ?? Date.now
  const sleep = options.sleep ?? defaultSleep
  const retries = options.retries ?? DEFAULT_RETRIES
  const started = now()
  const budget = new Budget(options.budgetMs ?? DEFAULT_BUDGET_MS, now)
  const attempts: AttemptRecord[] = []
  const context = {connectMs: options.connectTimeoutMs ?? CONNECT_TIMEOUT_MS, idleMs: options.idleTimeoutMs ?? IDLE_TIMEOUT_MS, url: options.destination.url}
  for (let attempt = 1; ; attempt++) {
    const attemptStarted = now()
    const outcome = await attemptOnce(options, budget)
    const ms = now() - attemptStarted
    const {verdict, reason, serverWaitMs, result, record} = interpret(outcome, context, now())
    attempts.push({attempt, ...record, ms})
    const end = (ok: boolean, why?: string): SendResult => ({
      ok, ...result, reason: ok ? undefined : why, attempts, elapsedMs: now() - started,
    })
    if (verdict === 'ok') return end(true)
    if (verdict === 'final' || options.signal?.aborted) return end(false, reason)
    if (attempt > retries) return end(false, reason)
    if (serverWaitMs !== undefined && serverWaitMs > MAX_RETRY_AFTER_MS) {
      return end(false, `${reason} (the server asked to wait ${Math.ceil(serverWaitMs / 1000)} s before retrying)`)
    }

    const waitMs = Math.max(backoffDelayMs(attempt, options.random), serverWaitMs ?? 0)
    if (waitMs >= budget.remainingMs()) return end(false, `${reason} (gave up: out of time for another attempt)`)
    options.onRetry?.({...attempts.at(-1)!, waitMs})
    await sleep(waitMs, options.signal)
    if (options.signal?.aborted) return end(false, 'interrupted')
  }
}
