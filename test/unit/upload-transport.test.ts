import type {AddressInfo} from 'node:net'

import assert from 'node:assert/strict'
import {createHash, randomBytes} from 'node:crypto'
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import http from 'node:http'
import os from 'node:os'
import path from 'node:path'
import {
  after, before, describe, test,
} from 'node:test'

import {checkUploadUrl, idempotencyKey, uploadHeaders} from '../../src/transfer/upload-policy.js'
import {loopbackLookup, type SendOptions, sendPayload} from '../../src/transfer/upload.js'

interface Seen {
  method: string
  url: string
  headers: http.IncomingHttpHeaders
  body: Buffer
}

type Reply = (request: http.IncomingMessage, response: http.ServerResponse, index: number) => void

/** A server on 127.0.0.1 that records every request it reads in full and answers with `replies[i]` (the last one repeats). */
async function server(...replies: Reply[]): Promise<{close(): Promise<void>; seen: Seen[]; url: string}> {
  const seen: Seen[] = []
  const s = http.createServer((request, response) => {
    const chunks: Buffer[] = []
    request.on('data', chunk => chunks.push(chunk as Buffer))
    request.on('end', () => {
      const index = seen.length
      seen.push({
        method: request.method!, url: request.url!, headers: request.headers, body: Buffer.concat(chunks),
      })
      replies[Math.min(index, replies.length - 1)](request, response, index)
    })
  })
  await new Promise<void>(resolve => {
    s.listen(0, '127.0.0.1', resolve)
  })
  const {port} = s.address() as AddressInfo
  return {
    seen,
    url: `http://127.0.0.1:${port}/in`,
    close: () => new Promise(resolve => {
      s.closeAllConnections()
      s.close(() => resolve())
    }),
  }
}

const status = (code: number, body = '', headers: Record<string, string> = {}): Reply => (_request, response) => {
  response.writeHead(code, headers)
  response.end(body)
}

const sha256 = (data: Buffer): string => createHash('sha256').update(data).digest('hex')

describe('upload transport (real sockets on 127.0.0.1)', () => {
  let dir: string
  let file: string
  let body: Buffer

  before(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'devtrace-upload-'))
    file = path.join(dir, 'payload.bin')
    body = randomBytes(300_000)
    writeFileSync(file, body)
  })

  after(() => rmSync(dir, {force: true, recursive: true}))

  function options(url: string, extra: Partial<SendOptions> = {}): SendOptions {
    const sha = sha256(body)
    const waits: number[] = []
    return {
      destination: checkUploadUrl(url),
      file,
      bytes: body.length,
      headers: uploadHeaders({
        contentType: 'application/octet-stream', bytes: body.length, sha256: sha, key: idempotencyKey(sha, url), token: 'tok', version: 'test',
      }),
      random: () => 0,
      async sleep(ms) {
        waits.push(ms)
      },
      ...extra,
    }
  }

  test('one POST: the file streamed as the body, the headers as given', async () => {
    const s = await server(status(201, 'created'))
    try {
      const result = await sendPayload(options(s.url))
      assert.deepEqual({
        ok: result.ok, status: result.status, statusText: result.statusText, body: result.body, attempts: result.attempts.map(a => a.status),
      }, {
        ok: true, status: 201, statusText: 'Created', body: 'created', attempts: [201],
      })
      assert.equal(s.seen.length, 1)
      const [request] = s.seen
      assert.equal(request.method, 'POST')
      assert.equal(request.url, '/in')
      assert.equal(request.body.equals(body), true)
      assert.equal(request.headers['content-length'], String(body.length))
      assert.equal(request.headers['x-devtrace-sha256'], sha256(body))
      assert.equal(request.headers['idempotency-key'], idempotencyKey(sha256(body), s.url))
      assert.equal(request.headers.authorization, 'Bearer tok')
      assert.equal(request.headers['content-type'], 'application/octet-stream')
    } finally {
      await s.close()
    }
  })

  test('fails twice, then succeeds: three identical requests, backed off in between', async () => {
    const s = await server(status(503, 'busy'), status(500, 'oops'), status(200, 'ok'))
    const retries: string[] = []
    const waits: number[] = []
    try {
      const result = await sendPayload(options(s.url, {
        onRetry: info => retries.push(`${info.attempt}: ${info.error} (${info.waitMs} ms)`),
        async sleep(ms) {
          waits.push(ms)
        },
      }))
      assert.equal(result.ok, true)
      assert.deepEqual(result.attempts.map(a => [a.attempt, a.status, a.error]), [
        [1, 503, 'HTTP 503 Service Unavailable: busy'], [2, 500, 'HTTP 500 Internal Server Error: oops'], [3, 200, undefined],
      ])
      assert.deepEqual(retries, ['1: HTTP 503 Service Unavailable: busy (250 ms)', '2: HTTP 500 Internal Server Error: oops (500 ms)'])
      assert.deepEqual(waits, [250, 500])
      assert.equal(s.seen.length, 3)
      assert.equal(new Set(s.seen.map(request => request.headers['idempotency-key'])).size, 1)
      assert.deepEqual(s.seen.map(request => sha256(request.body)), [sha256(body), sha256(body), sha256(body)])
    } finally {
      await s.close()
    }
  })

  test('500 forever: 1 + retries attempts, then a failure with the status and the start of the body', async () => {
    const s = await server(status(500, 'database on fire\nline two'))
    try {
      const result = await sendPayload(options(s.url, {retries: 2}))
      assert.deepEqual({
        ok: result.ok, status: result.status, reason: result.reason, attempts: result.attempts.length,
      }, {
        ok: false, status: 500, reason: 'HTTP 500 Internal Server Error: database on fire line two', attempts: 3,
      })
      assert.equal(s.seen.length, 3)
    } finally {
      await s.close()
    }
  })

  test('a 400, a 401 and a redirect are final: one request each; redirects are not followed', async () => {
    for (const [reply, reason] of [
      [status(400, '{"error":"bad"}'), 'HTTP 400 Bad Request: {"error":"bad"}'],
      [status(401), 'HTTP 401 Unauthorized'],
      [status(307, '', {Location: 'https://elsewhere.example/in'}), 'HTTP 307 Temporary Redirect (redirected to https://elsewhere.example/in, not followed)'],
    ] as Array<[Reply, string]>) {
      const s = await server(reply)
      try {
        const result = await sendPayload(options(s.url))
        assert.deepEqual([result.ok, result.reason, result.attempts.length, s.seen.length], [false, reason, 1, 1])
      } finally {
        await s.close()
      }
    }
  })

  test('an answer that comes before the body is read (413, then the connection closed) counts as the answer', async () => {
    const s = http.createServer((_request, response) => {
      response.writeHead(413, {Connection: 'close'})
      response.end('too big')
    })
    await new Promise<void>(resolve => {
      s.listen(0, '127.0.0.1', resolve)
    })
    try {
      const url = `http://127.0.0.1:${(s.address() as AddressInfo).port}/in`
      for (let round = 0; round < 5; round++) {
        const result = await sendPayload(options(url))
        assert.deepEqual([result.ok, result.reason, result.attempts.length], [false, 'HTTP 413 Payload Too Large: too big', 1])
      }
    } finally {
      s.closeAllConnections()
      s.close()
    }
  })

  test('429 with a short Retry-After waits that long; a long one gives up at once', async () => {
    const short = await server(status(429, '', {'Retry-After': '2'}), status(202))
    const waits: number[] = []
    try {
      const result = await sendPayload(options(short.url, {
        async sleep(ms) {
          waits.push(ms)
        },
      }))
      assert.deepEqual([result.ok, result.status, waits, short.seen.length], [true, 202, [2000], 2])
    } finally {
      await short.close()
    }

    const long = await server(status(429, 'slow down', {'Retry-After': '120'}))
    try {
      const result = await sendPayload(options(long.url))
      assert.deepEqual([result.ok, result.reason, long.seen.length], [false, 'HTTP 429 Too Many Requests: slow down (the server asked to wait 120 s before retrying)', 1])
    } finally {
      await long.close()
    }
  })

  test('connection refused is retried, then reported', async () => {
    const s = await server(status(200))
    const {url} = s
    await s.close()
    const result = await sendPayload(options(url, {retries: 2}))
    assert.deepEqual([result.ok, result.reason, result.attempts.map(a => a.error)], [false, 'connection refused', ['connection refused', 'connection refused', 'connection refused']])
  })

  test('a server that never answers: the idle timeout ends an attempt, the budget ends the upload', async () => {
    const hang = await server(() => {})
    try {
      const idle = await sendPayload(options(hang.url, {retries: 0, idleTimeoutMs: 200}))
      assert.deepEqual([idle.ok, idle.reason], [false, 'nothing moved for 0.2 s'])

      const started = Date.now()
      const budget = await sendPayload(options(hang.url, {retries: 5, budgetMs: 400}))
      const elapsed = Date.now() - started
      assert.deepEqual([budget.ok, budget.reason, budget.attempts.length], [false, 'out of time', 1])
      assert.ok(elapsed >= 350, `gave up after ${elapsed} ms, before its budget`)
    } finally {
      await hang.close()
    }
  })

  test('an abort ends the upload as interrupted, without further attempts', async () => {
    const hang = await server(() => {})
    const controller = new AbortController()
    try {
      setTimeout(() => controller.abort(), 100)
      const result = await sendPayload(options(hang.url, {retries: 3, signal: controller.signal}))
      assert.deepEqual([result.ok, result.reason, result.attempts.length], [false, 'interrupted', 1])
    } finally {
      await hang.close()
    }
  })

  test('http://localhost only ever resolves to loopback addresses', async () => {
    const addresses = await new Promise<Array<{address: string; family: number}>>((resolve, reject) => {
      loopbackLookup('localhost', {all: true}, (error, result) => (error ? reject(error) : resolve(result as Array<{address: string; family: number}>)))
    })
    assert.ok(addresses.length > 0)
    for (const {address} of addresses) assert.match(address, /^(127\.|::1$)/)
    const refused = await new Promise<NodeJS.ErrnoException | null>(resolve => {
      // A name that resolves, but not to loopback.
      loopbackLookup('192.0.2.1', {}, error => resolve(error))
    })
    assert.equal(refused?.code, 'EDEVTRACE_NOT_LOOPBACK')
  })
})
