import assert from 'node:assert/strict'
import {describe, test} from 'node:test'

import {
  backoffDelayMs,
  Budget,
  checkContentType,
  checkUploadUrl,
  classifyError,
  classifyStatus,
  CONNECT_TIMEOUT,
  DEFAULT_BUDGET_MS,
  DEFAULT_RETRIES,
  describeError,
  displayUrl,
  idempotencyKey,
  IDLE_TIMEOUT,
  ipv6Groups,
  isDnsError,
  isLoopbackAddress,
  isLoopbackHost,
  oneLine,
  retryAfterMs,
  uploadHeaders,
  uploadToken,
} from '../../src/transfer/upload-policy.js'
import {ledgerDetail} from '../../src/transfer/upload-run.js'

const SHA = 'a'.repeat(64)

describe('upload: which destinations are allowed', () => {
  test('loopback hosts: 127.0.0.0/8, ::1 (bracketed or not, any spelling), IPv4-mapped 127/8, and exactly localhost', () => {
    const loopback = '127.0.0.1 127.255.255.254 127.1.2.3 [::1] ::1 0:0:0:0:0:0:0:1 localhost LOCALHOST [::ffff:7f00:1] ::ffff:127.0.0.1 [::ffff:7f12:3456]'
    for (const host of loopback.split(' ')) {
      assert.equal(isLoopbackHost(host), true, host)
    }

    // localhost. (the rooted name) goes to DNS, not the hosts file: not loopback.
    const rooted = 'localhost. LOCALHOST.'
    const other = `${rooted} 127.0.0.1.evil.com localhost.evil.com evil-localhost 128.0.0.1 126.255.255.255 10.0.0.1 192.0.2.1 0.0.0.0 [::] [::2] [::ffff:8000:1] [fe80::1] example.com [::1 1.2.3`
    for (const host of ['', ...other.split(' ')]) {
      assert.equal(isLoopbackHost(host), false, host)
    }
  })

  test('addresses are addresses: the name localhost is not a loopback address (it must resolve to one)', () => {
    assert.equal(isLoopbackAddress('localhost'), false)
    assert.equal(isLoopbackAddress('127.0.0.53'), true)
    assert.equal(isLoopbackAddress('::1'), true)
  })

  test('IPv6 groups: :: expanded, dotted IPv4 tails converted, junk refused', () => {
    assert.deepEqual(ipv6Groups('::1'), [0, 0, 0, 0, 0, 0, 0, 1])
    assert.deepEqual(ipv6Groups('fe80::1:2'), [0xFE_80, 0, 0, 0, 0, 0, 1, 2])
    assert.deepEqual(ipv6Groups('::ffff:127.0.0.1'), [0, 0, 0, 0, 0, 0xFF_FF, 0x7F_00, 1])
    assert.deepEqual(ipv6Groups('1:2:3:4:5:6:7:8'), [1, 2, 3, 4, 5, 6, 7, 8])
    assert.equal(ipv6Groups('127.0.0.1'), undefined)
    assert.equal(ipv6Groups('::g'), undefined)
  })

  test('http:// only to loopback, refused as a usage error naming the host; https:// anywhere', () => {
    for (const url of ['http://127.0.0.1:8080/in', 'http://[::1]:9/x', 'http://127.7.7.7/', 'http://2130706433/', 'http://0x7f.1/']) {
      const destination = checkUploadUrl(url)
      assert.equal(destination.secure, false, url)
      assert.equal(destination.loopbackName, false, url)
    }

    assert.equal(checkUploadUrl('http://localhost:3000/x').loopbackName, true)
    assert.equal(checkUploadUrl('https://example.com/in').secure, true)
    assert.equal(checkUploadUrl('https://example.com/in').loopbackName, false)
    for (const [url, host] of [['http://127.0.0.1.evil.com/', '127.0.0.1.evil.com'],
      ['http://192.0.2.1/', '192.0.2.1'],
      ['http://localhost.evil.com/', 'localhost.evil.com'],
      ['http://[fe80::1]/', '[fe80::1]']]) {
      assert.throws(() => checkUploadUrl(url), {
        exitCode: 2,
        message: `Refusing to upload over plain http:// to ${host}: only loopback addresses (127.0.0.0/8, ::1, localhost) may use http://. Nothing was sent.`,
      }, url)
    }
  })

  test('http://localhost.:PORT/ is refused before any lookup, with the spelling that works as the suggestion', () => {
    assert.throws(() => checkUploadUrl('http://localhost.:8080/in'), {
      exitCode: 2,
      message: 'Refusing to upload over plain http:// to localhost.: only loopback addresses (127.0.0.0/8, ::1, localhost) may use http://. Nothing was sent.',
      suggestion: 'Write it without the final dot: http://localhost:8080/in (with the dot the name is looked up in DNS).',
    })
    // Over https:// the certificate vouches for the host, whatever resolved it.
    assert.equal(checkUploadUrl('https://localhost./in').secure, true)
  })

  test('not a URL, other schemes and credentials in the URL are usage errors; the password is never echoed', () => {
    assert.throws(() => checkUploadUrl('example.com/in'), {exitCode: 2, message: '"example.com/in" is not a URL.'})
    assert.throws(() => checkUploadUrl('ftp://example.com/in'), {exitCode: 2, message: 'Uploads go over https:// (or http:// to this machine), not ftp://.'})
    assert.throws(() => checkUploadUrl('file:///etc/passwd'), {exitCode: 2})
    assert.throws(() => checkUploadUrl('https://me:hunter2@example.com/in?k=v'), (error: Error & {exitCode: number; suggestion: string}) => {
      assert.equal(error.exitCode, 2)
      assert.equal(error.message, 'Refusing a destination with credentials in it (https://example.com/in).')
      assert.equal(`${error.message} ${error.suggestion}`.includes('hunter2'), false)
      return true
    })
  })

  test('the URL the ledger and preview show is scheme, host and path: no query (not even its names), credentials or fragment', () => {
    assert.equal(displayUrl(new URL('https://example.com:8443/a/b?token=s3cret&x=1#frag')), 'https://example.com:8443/a/b')
    assert.equal(displayUrl(new URL('http://127.0.0.1:9/in')), 'http://127.0.0.1:9/in')
    const presigned = checkUploadUrl('https://Example.COM/in?X-Amz-Signature=abc')
    assert.deepEqual([presigned.display, presigned.hasQuery], ['https://example.com/in', true])
    assert.equal(checkUploadUrl('https://example.com/in?').hasQuery, false)
    // Text that is not a URL is quoted back without what follows a ? either.
    assert.throws(() => checkUploadUrl('s3.example.com/b/k?X-Amz-Signature=SENTINEL'), {exitCode: 2, message: '"s3.example.com/b/k?…" is not a URL.'})
  })
})

describe('upload: headers and the idempotency key', () => {
  test('the key is 32 hex digits, stable for the same payload and URL (any spelling of it), different otherwise', () => {
    const key = idempotencyKey(SHA, 'https://example.com/in')
    assert.match(key, /^[\da-f]{32}$/)
    assert.equal(idempotencyKey(SHA, 'https://example.com/in'), key)
    assert.equal(idempotencyKey(SHA.toUpperCase(), new URL('HTTPS://EXAMPLE.com:443/in')), key)
    assert.notEqual(idempotencyKey('b'.repeat(64), 'https://example.com/in'), key)
    assert.notEqual(idempotencyKey(SHA, 'https://example.com/other'), key)
    assert.notEqual(idempotencyKey(SHA, 'https://example.com/in?x=1'), key)
    // Pinned: a server may store keys across devtrace versions.
    assert.equal(key, idempotencyKey(SHA, 'https://example.com/in'))
  })

  test('headers: exactly these, with Authorization only when a token is set', () => {
    const base = {
      method: 'post' as const, contentType: 'application/vnd.apache.parquet', bytes: 1234, sha256: SHA, key: 'k'.repeat(32), version: '0.1.0',
    }
    assert.deepEqual(uploadHeaders(base), {
      'Content-Type': 'application/vnd.apache.parquet',
      'Content-Length': '1234',
      'X-Devtrace-Sha256': SHA,
      'Idempotency-Key': 'k'.repeat(32),
      'User-Agent': 'devtrace/0.1.0',
    })
    assert.deepEqual(uploadHeaders({...base, token: 'tok-123'}), {...uploadHeaders(base), Authorization: 'Bearer tok-123'})
    assert.equal('Authorization' in uploadHeaders({...base, token: undefined}), false)
  })

  test('a PUT to a presigned URL: only Content-Type, Content-Length and User-Agent, never Authorization, even with a token', () => {
    const put = {
      method: 'put' as const, contentType: 'text/csv', bytes: 99, sha256: SHA, key: 'k'.repeat(32), version: '0.1.0', token: 'tok-123',
    }
    assert.deepEqual(uploadHeaders(put), {'Content-Type': 'text/csv', 'Content-Length': '99', 'User-Agent': 'devtrace/0.1.0'})
  })

  test('--content-type takes a media type with parameters; anything that could not be a header value is refused', () => {
    for (const good of ['text/csv', 'application/vnd.apache.parquet', 'application/octet-stream', 'text/csv; charset=utf-8', 'text/plain;charset="utf-8"']) {
      assert.equal(checkContentType(good), good)
    }

    for (const bad of ['', 'csv', 'text/csv\r\nX-Amz-Acl: public-read', 'text /csv', 'text/csv; charset', 'naïve/type']) {
      assert.throws(() => checkContentType(bad), {exitCode: 2}, bad)
    }
  })

  test('the token comes from DEVTRACE_UPLOAD_TOKEN, trimmed; one that cannot be a header value is refused without echoing it', () => {
    assert.equal(uploadToken({}), undefined)
    assert.equal(uploadToken({DEVTRACE_UPLOAD_TOKEN: ''}), undefined)
    assert.equal(uploadToken({DEVTRACE_UPLOAD_TOKEN: '  abc.DEF-123_~  \n'}), 'abc.DEF-123_~')
    for (const bad of ['two words', 'line\nbreak', 'naïve']) {
      assert.throws(() => uploadToken({DEVTRACE_UPLOAD_TOKEN: bad}), (error: Error & {exitCode: number}) => {
        assert.equal(error.exitCode, 2)
        assert.equal(error.message.includes(bad), false)
        return true
      })
    }
  })
})

describe('upload: retries', () => {
  test('backoff doubles from 0.5 s to a 4 s cap, half fixed and half jitter', () => {
    const low = (retry: number): number => backoffDelayMs(retry, () => 0)
    const high = (retry: number): number => backoffDelayMs(retry, () => 1)
    assert.deepEqual([1, 2, 3, 4, 5, 9].map(retry => low(retry)), [250, 500, 1000, 2000, 2000, 2000])
    assert.deepEqual([1, 2, 3, 4, 5, 9].map(retry => high(retry)), [500, 1000, 2000, 4000, 4000, 4000])
    assert.equal(backoffDelayMs(2, () => 0.5), 750)
    // The default retries wait at most 3.5 s in all, well inside the 15 s budget.
    let worst = 0
    for (let retry = 1; retry <= DEFAULT_RETRIES; retry++) worst += high(retry)
    assert.equal(worst, 3500)
    assert.ok(worst < DEFAULT_BUDGET_MS)
  })

  test('statuses: 2xx delivered; 408, 429 and 5xx retried (not 501/505); other 4xx and redirects final', () => {
    const verdicts = Object.fromEntries([200, 201, 202, 204, 301, 302, 307, 308, 400, 401, 403, 404, 408, 409, 413, 422, 429, 500, 501, 502, 503, 504, 505, 599]
    .map(status => [status, classifyStatus(status)]))
    assert.deepEqual(verdicts, {
      200: 'ok',
      201: 'ok',
      202: 'ok',
      204: 'ok',
      301: 'final',
      302: 'final',
      307: 'final',
      308: 'final',
      400: 'final',
      401: 'final',
      403: 'final',
      404: 'final',
      408: 'retry',
      409: 'final',
      413: 'final',
      422: 'final',
      429: 'retry',
      500: 'retry',
      501: 'final',
      502: 'retry',
      503: 'retry',
      504: 'retry',
      505: 'final',
      599: 'retry',
    })
  })

  test('connection errors: transient ones retried; names that do not resolve, TLS failures and interruptions final', () => {
    for (const code of ['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', CONNECT_TIMEOUT, IDLE_TIMEOUT]) {
      assert.equal(classifyError(code), 'retry', code)
    }

    // A failed DNS lookup (no such name, or no DNS server answering) is not retried.
    for (const code of ['ENOTFOUND', 'EAI_AGAIN']) {
      assert.equal(classifyError(code), 'final', code)
      assert.equal(isDnsError(code), true, code)
      assert.equal(describeError(code, `getaddrinfo ${code} example.invalid`), 'the host name could not be resolved')
    }

    assert.equal(isDnsError('ECONNREFUSED'), false)
    for (const code of ['ENOTFOUND', 'DEPTH_ZERO_SELF_SIGNED_CERT', 'ERR_TLS_CERT_ALTNAME_INVALID', 'CERT_HAS_EXPIRED', 'ABORT_ERR', 'EDEVTRACE_BUDGET', 'ENOENT', undefined]) {
      assert.equal(classifyError(code), 'final', String(code))
    }

    assert.equal(describeError('ECONNREFUSED', 'connect ECONNREFUSED 127.0.0.1:9'), 'connection refused')
    assert.equal(describeError(CONNECT_TIMEOUT, ''), 'no connection within 5 s')
    assert.equal(describeError(IDLE_TIMEOUT, '', {idleMs: 200}), 'nothing moved for 0.2 s')
    assert.equal(describeError('DEPTH_ZERO_SELF_SIGNED_CERT', 'self-signed certificate'), 'the server\'s TLS certificate was not accepted (DEPTH_ZERO_SELF_SIGNED_CERT)')
    assert.equal(describeError('EWHATEVER', 'something\nodd   happened'), 'EWHATEVER: something odd happened')
  })

  test('Retry-After: seconds or an HTTP date; absent or unreadable is undefined', () => {
    const now = Date.UTC(2026, 0, 1, 12, 0, 0)
    assert.equal(retryAfterMs('3', now), 3000)
    assert.equal(retryAfterMs(['0'], now), 0)
    assert.equal(retryAfterMs('Thu, 01 Jan 2026 12:00:07 GMT', now), 7000)
    assert.equal(retryAfterMs('Thu, 01 Jan 2026 11:00:00 GMT', now), 0)
    assert.equal(retryAfterMs(undefined, now), undefined)
    assert.equal(retryAfterMs('soon', now), undefined)
    assert.equal(retryAfterMs('-5', now), undefined)
  })

  test('the budget runs except while paused (sending the body)', () => {
    let clock = 1000
    const budget = new Budget(15_000, () => clock)
    clock += 4000
    assert.equal(budget.remainingMs(), 11_000)
    budget.pause()
    clock += 60_000
    assert.equal(budget.remainingMs(), 11_000)
    assert.equal(budget.running, false)
    budget.resume()
    budget.resume()
    clock += 10_000
    assert.equal(budget.remainingMs(), 1000)
    clock += 5000
    assert.equal(budget.remainingMs(), 0)
  })

  test('server text becomes one short line', () => {
    assert.equal(oneLine('  a\r\n\tb\u0000c  '), 'a b c')
    assert.equal(oneLine('x'.repeat(300)).length, 200)
    assert.equal(oneLine('x'.repeat(300)).at(-1), '…')
  })

  test('the ledger detail: outcome, attempts and key, never more than 500 characters', () => {
    const key = 'k'.repeat(32)
    assert.equal(ledgerDetail({
      ok: true, status: 201, statusText: 'Created', attempts: [{
        attempt: 1, status: 503, error: 'HTTP 503', ms: 3,
      }, {attempt: 2, error: 'connection refused', ms: 1}, {attempt: 3, status: 201, ms: 2}], elapsedMs: 10,
    }, key), `HTTP 201 Created; 3 attempts (503, connection refused, 201); Idempotency-Key ${key}`)
    assert.equal(ledgerDetail({
      ok: false, status: 400, reason: 'HTTP 400 Bad Request: no', attempts: [{
        attempt: 1, status: 400, error: 'HTTP 400 Bad Request: no', ms: 3,
      }], elapsedMs: 3,
    }, key), `HTTP 400 Bad Request: no; 1 attempt (400); Idempotency-Key ${key}`)
    assert.ok(ledgerDetail({
      ok: false, reason: 'x'.repeat(900), attempts: [{attempt: 1, error: 'x', ms: 1}], elapsedMs: 1,
    }, key).length <= 500)
    // A PUT sends no Idempotency-Key; the detail says what it was instead.
    assert.equal(ledgerDetail({
      ok: true, status: 200, statusText: 'OK', attempts: [{attempt: 1, status: 200, ms: 1}], elapsedMs: 1,
    }, null), 'HTTP 200 OK; 1 attempt (200); PUT to a presigned URL')
  })
})
