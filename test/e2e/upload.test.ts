import type {AddressInfo} from 'node:net'

import {DuckDBInstance} from '@duckdb/node-api'
import assert from 'node:assert/strict'
import {spawn, spawnSync} from 'node:child_process'
import {createHash} from 'node:crypto'
import {
  existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync,
} from 'node:fs'
import http from 'node:http'
import https from 'node:https'
import os from 'node:os'
import path from 'node:path'
import {
  after, before, describe, test,
} from 'node:test'

import {AGGREGATE_COLUMNS} from '../../src/privacy/profiles.js'
import {
  BIN, type CliResult, makeSandbox, oneLine, type Sandbox,
} from '../helpers/cli.js'
import {queryFile, writeFile} from '../helpers/db.js'
import {
  e2eSkipReason, startXvfb, type VirtualDisplay, xdotool,
} from '../helpers/xvfb.js'

const skip = e2eSkipReason()

const TOKEN = 'SENTINEL-token-5b1e9c7d'
const APP = 'SENTINEL-app-3fa2'

interface Seen {
  method: string
  url: string
  headers: http.IncomingHttpHeaders
  body: Buffer
}

type Reply = (response: http.ServerResponse, index: number) => void

interface TestServer {
  url: string
  seen: Seen[]
  /** TLS handshakes and plain connections accepted, whether or not a request followed. */
  connections: number
  close(): Promise<void>
}

/** A server on 127.0.0.1 (HTTP, or HTTPS with `tlsFiles`) that records each request in full and answers with `replies[i]`, the last one repeating. */
async function startServer(replies: Reply[], tlsFiles?: {cert: string; key: string}): Promise<TestServer> {
  const seen: Seen[] = []
  const handler = (request: http.IncomingMessage, response: http.ServerResponse): void => {
    const chunks: Buffer[] = []
    request.on('data', chunk => chunks.push(chunk as Buffer))
    request.on('end', () => {
      const index = seen.length
      seen.push({
        method: request.method!, url: request.url!, headers: request.headers, body: Buffer.concat(chunks),
      })
      replies[Math.min(index, replies.length - 1)](response, index)
    })
  }

  const server = tlsFiles ? https.createServer({cert: readFileSync(tlsFiles.cert), key: readFileSync(tlsFiles.key)}, handler) : http.createServer(handler)
  const state = {connections: 0}
  server.on('connection', () => state.connections++)
  server.on('tlsClientError', () => {})
  await new Promise<void>(resolve => {
    server.listen(0, '127.0.0.1', resolve)
  })
  const {port} = server.address() as AddressInfo
  return {
    url: `${tlsFiles ? 'https' : 'http'}://127.0.0.1:${port}`,
    seen,
    get connections() {
      return state.connections
    },
    close: () => new Promise(resolve => {
      server.closeAllConnections()
      server.close(() => resolve())
    }),
  }
}

const reply = (status: number, body = '', headers: Record<string, string> = {}): Reply => response => {
  response.writeHead(status, headers)
  response.end(body)
}

const sha256 = (data: Buffer | string): string => createHash('sha256').update(data).digest('hex')
const bytesOf = (file: string): Buffer => (existsSync(file) ? readFileSync(file) : Buffer.alloc(0))

/** Read a payload with an in-memory DuckDB, the way a receiving server would. */
async function readPayload(body: Buffer, extension: string, sql: (file: string) => string): Promise<Array<Record<string, unknown>>> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'devtrace-received-'))
  const file = path.join(dir, `payload.${extension}`)
  writeFileSync(file, body)
  const instance = await DuckDBInstance.create(':memory:')
  const connection = await instance.connect()
  try {
    return (await connection.runAndReadAll(sql(file))).getRowObjectsJS() as Array<Record<string, unknown>>
  } finally {
    connection.closeSync()
    instance.closeSync()
    rmSync(dir, {force: true, recursive: true})
  }
}

/**
 * The README's "For studies and teams" query, run with DuckDB over a local folder laid out like
 * the bucket (`s3://study-bucket/` replaced by it), so the documented query is the tested one.
 */
async function runReadmeStudyQuery(folder: string): Promise<Array<Record<string, unknown>>> {
  const readme = readFileSync(path.join(import.meta.dirname, '..', '..', 'README.md'), 'utf8')
  const section = readme.slice(readme.indexOf('## For studies and teams'))
  const sql = /```sql\n([\s\S]*?)```/.exec(section)?.[1]
  assert.ok(sql?.includes('s3://study-bucket/**/*.parquet'), 'the README query reads s3://study-bucket/**/*.parquet')
  const instance = await DuckDBInstance.create(':memory:')
  const connection = await instance.connect()
  try {
    // As JSON: the date as 2026-11-30, counts as text (they are BIGINT).
    return (await connection.runAndReadAll(sql.replace('s3://study-bucket/', `${folder}/`))).getRowObjectsJson() as Array<Record<string, unknown>>
  } finally {
    connection.closeSync()
    instance.closeSync()
  }
}

interface AuditRow {
  id: number
  action: string
  outcome: string
  profile: null | string
  format: null | string
  rows: null | number
  bytes: null | number
  sha256: null | string
  destination: null | string
  detail: null | string
  range_start: null | string
  range_end: null | string
}

interface Preview {
  destination: string
  query_hidden: boolean
  method: string
  range_start: null | string
  range_end: string
  profile: string
  format: string
  content_type: string
  rows: number
  columns: string[]
  sample: Array<Record<string, unknown>>
  bytes: number
  sha256: string
  idempotency_key: null | string
  token: boolean
  token_unused?: boolean
}

interface Output {
  sent: boolean
  dry_run: boolean
  reason?: string
  status?: number
  attempts?: number
  audit_id?: number
  saved: null | string
  preview: Preview
}

describe('upload to servers on 127.0.0.1 (a private X display for the data)', {skip}, () => {
  let x: VirtualDisplay
  let certDir: string
  const sandboxes: Sandbox[] = []
  const servers: TestServer[] = []

  before(async () => {
    x = await startXvfb()
    certDir = mkdtempSync(path.join(os.tmpdir(), 'devtrace-cert-'))
    // A throwaway self-signed certificate for 127.0.0.1, valid for a day.
    const made = spawnSync('openssl', ['req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-keyout',
      path.join(certDir, 'key.pem'),
      '-out',
      path.join(certDir, 'cert.pem'),
      '-days',
      '1',
      '-subj',
      '/CN=127.0.0.1',
      '-addext',
      'subjectAltName=IP:127.0.0.1'], {encoding: 'utf8'})
    assert.equal(made.status, 0, `openssl (install it: .ci/run does): ${made.stderr}`)
  })

  after(async () => {
    for (const server of servers) await server.close()
    for (const sandbox of sandboxes) {
      await sandbox.run(['stop'])
      sandbox.cleanup()
    }

    rmSync(certDir, {force: true, recursive: true})
    await x.stop()
  })

  async function server(replies: Reply[], tls = false): Promise<TestServer> {
    const s = await startServer(replies, tls ? {cert: path.join(certDir, 'cert.pem'), key: path.join(certDir, 'key.pem')} : undefined)
    servers.push(s)
    return s
  }

  const database = (s: Sandbox): string => path.join(s.home, 'devtrace.duckdb')

  async function audit(s: Sandbox): Promise<AuditRow[]> {
    const result = await s.run(['audit', '--json'])
    assert.equal(result.code, 0, result.stderr)
    return JSON.parse(result.stdout) as AuditRow[]
  }

  /**
   * Real input captured at --level full (key codes stored), then 90 s of planted typing two hours
   * ago (30 letters, key codes, an app name), so the data spans several minutes. Returns what the
   * aggregate payload must add up to, computed from the raw events.
   */
  async function preparedSandbox(): Promise<{expected: {events: number; keys: number; minutes: number}; s: Sandbox}> {
    const s = makeSandbox(x.display)
    sandboxes.push(s)
    const start = await s.run(['start', '--level', 'full', '--mouse-hz', '0'])
    assert.equal(start.code, 0, start.stderr)
    xdotool(x.display, 'type', '--delay', '20', 'hi there')
    assert.equal((await s.run(['stop'])).code, 0)
    const base = Math.floor((Date.now() - 2 * 3600e3) / 60e3) * 60e3 * 1000
    await writeFile(database(s), `
      INSERT INTO events_live SELECT make_timestamp(${base} + i * 3000000), 1, 'key_down', 30, 'letter', NULL, NULL, NULL, NULL, NULL, NULL, '${APP}', NULL FROM range(30) t(i);
      INSERT INTO events_live SELECT make_timestamp(${base} + i * 3000000 + 80000), 1, 'key_up', 30, 'letter', NULL, NULL, NULL, NULL, NULL, NULL, '${APP}', NULL FROM range(30) t(i);
    `)
    const [row] = await queryFile(database(s), `SELECT count(*)::INTEGER AS events, (count(*) FILTER (WHERE kind = 'key_down'))::INTEGER AS keys,
      count(DISTINCT date_trunc('minute', ts))::INTEGER AS minutes, count(key_code)::INTEGER AS codes FROM events`)
    // "hi there": 8 presses and releases captured, with key codes; 60 planted over two minutes.
    assert.deepEqual(row, {
      events: 76, keys: 38, minutes: Number(row.minutes), codes: 76,
    })
    assert.ok(Number(row.minutes) >= 3)
    return {s, expected: {events: 76, keys: 38, minutes: Number(row.minutes)}}
  }

  test('nothing leaves without consent, with --dry-run, or over http:// to another host (not even a connection)', async () => {
    const {s, expected} = await preparedSandbox()
    const target = await server([reply(201)])
    const url = `${target.url}/in`

    // No terminal, no --yes: the preview, then a refusal (exit 3).
    const refused = await s.run(['upload', '--to', url])
    assert.equal(refused.code, 3, refused.stderr)
    assert.equal(
      oneLine(refused.stderr),
      'Error: Refusing without confirmation: there is no terminal to ask on. Nothing was sent. Try this: Run it in a terminal to be asked, or add --yes to confirm in advance.',
    )
    assert.match(refused.stdout, new RegExp(`destination  ${url}\n`))
    assert.match(refused.stdout, new RegExp(`rows         ${expected.minutes}\n`))
    assert.match(refused.stdout, /profile {6}aggregate: one row per minute/)
    assert.match(refused.stdout, /token {8}none \(DEVTRACE_UPLOAD_TOKEN is not set\)/)

    // --json and no terminal: stdout is only JSON (the error), still exit 3.
    const refusedJson = await s.run(['upload', '--to', url, '--json'])
    assert.equal(refusedJson.code, 3)
    assert.equal((JSON.parse(refusedJson.stdout) as {error: {exit_code: number}}).error.exit_code, 3)

    // --dry-run: the preview as JSON, the exact payload saved; nothing sent.
    const saved = path.join(s.home, 'payload.parquet')
    const dry = await s.run(['upload', '--to', url, '--dry-run', '--save', saved, '--json'])
    assert.equal(dry.code, 0, dry.stderr)
    const output = JSON.parse(dry.stdout) as Output
    assert.deepEqual({...output, preview: undefined}, {
      sent: false, dry_run: true, reason: 'dry run', saved, preview: undefined,
    })
    const {preview} = output
    assert.deepEqual({...preview, range_end: undefined, sample: undefined}, {
      destination: url,
      query_hidden: false,
      method: 'post',
      range_start: null,
      range_end: undefined,
      profile: 'aggregate',
      format: 'parquet',
      content_type: 'application/vnd.apache.parquet',
      rows: expected.minutes,
      columns: [...AGGREGATE_COLUMNS],
      sample: undefined,
      bytes: statSync(saved).size,
      sha256: sha256(readFileSync(saved)),
      idempotency_key: preview.idempotency_key,
      token: false,
    })
    assert.equal(preview.sample.length, 3)
    assert.deepEqual(Object.keys(preview.sample[0]), [...AGGREGATE_COLUMNS])
    assert.equal(statSync(saved).mode & 0o777, 0o600)
    const savedRows = await readPayload(readFileSync(saved), 'parquet', file => `SELECT count(*)::INTEGER AS n, sum(keys)::INTEGER AS keys FROM read_parquet('${file}')`)
    assert.deepEqual(savedRows, [{n: expected.minutes, keys: expected.keys}])
    // --save never overwrites without --force.
    const again = await s.run(['upload', '--to', url, '--dry-run', '--save', saved])
    assert.equal(again.code, 1)
    assert.match(oneLine(again.stderr), /payload\.parquet already exists\. Try this: Add --force/)

    // Plain http:// to a non-loopback host, even with --yes: refused before anything is built or
    // connected. 192.0.2.1 (TEST-NET-1) is never routable, so an attempt could only end in a
    // connection error or timeout; the exact refusal sentence shows the URL check stopped it first.
    for (const refusedUrl of ['http://192.0.2.1/in', 'http://127.0.0.1.evil.com/in']) {
      const plain = await s.run(['upload', '--to', refusedUrl, '--yes'])
      assert.equal(plain.code, 2, plain.stderr)
      const host = new URL(refusedUrl).hostname
      assert.equal(oneLine(plain.stderr), `Error: Refusing to upload over plain http:// to ${host}: only loopback addresses (127.0.0.0/8, ::1, localhost) may use http://. Nothing was sent. Try this: Use https://${host}/in.`)
      assert.equal(plain.stdout, '')
    }

    // No destination at all: a usage error; with config upload.url, that is the destination.
    const nowhere = await s.run(['upload', '--dry-run'])
    assert.equal(nowhere.code, 2)
    assert.match(oneLine(nowhere.stderr), /No destination: give --to URL\. Try this: Or --to-file PATH or DEVTRACE_UPLOAD_URL .*, or set a default with `devtrace config set upload\.url/)
    assert.equal((await s.run(['config', 'set', 'upload.url', `${target.url}/configured`])).code, 0)
    const configured = JSON.parse((await s.run(['upload', '--dry-run', '--json'])).stdout) as Output
    assert.equal(configured.preview.destination, `${target.url}/configured`)

    assert.equal(target.seen.length, 0)
    assert.equal(target.connections, 0)
    // The ledger: the saved payload (an export to a file), and no upload.
    assert.deepEqual((await audit(s)).map(row => [row.action, row.outcome, row.destination, row.sha256]), [['export', 'ok', saved, preview.sha256]])
  })

  test('one POST through the running daemon: headers, body and ledger agree; per-minute rows only; the token never lands in output, log or database', async () => {
    const {s, expected} = await preparedSandbox()
    const target = await server([reply(201, 'stored')])
    const url = `${target.url}/ingest?signature=SENTINEL-query-91d0`
    assert.equal((await s.run(['start', '--level', 'full'])).code, 0)
    const env = {DEVTRACE_UPLOAD_TOKEN: TOKEN}
    const runs: CliResult[] = []
    const dry = await s.run(['upload', '--to', url, '--dry-run'], {env})
    runs.push(dry)
    assert.match(dry.stdout, /token {8}DEVTRACE_UPLOAD_TOKEN is set: sent as Authorization: Bearer \(not shown\)/)

    const result = await s.run(['upload', '--to', url, '--yes', '--json'], {env})
    runs.push(result)
    assert.equal(result.code, 0, result.stderr)
    const output = JSON.parse(result.stdout) as Output
    assert.deepEqual({...output, preview: undefined, audit_id: undefined}, {
      sent: true, dry_run: false, status: 201, attempts: 1, saved: null, preview: undefined, audit_id: undefined,
    })

    assert.equal(target.seen.length, 1)
    const [request] = target.seen
    assert.equal(request.method, 'POST')
    assert.equal(request.url, '/ingest?signature=SENTINEL-query-91d0')
    assert.equal(request.headers['content-type'], 'application/vnd.apache.parquet')
    assert.equal(request.headers['content-length'], String(request.body.length))
    assert.equal(request.headers['x-devtrace-sha256'], sha256(request.body))
    assert.equal(request.headers['idempotency-key'], output.preview.idempotency_key)
    assert.match(String(request.headers['idempotency-key']), /^[\da-f]{32}$/)
    assert.equal(request.headers.authorization, `Bearer ${TOKEN}`)
    assert.equal(output.preview.sha256, sha256(request.body))
    assert.equal(output.preview.bytes, request.body.length)

    // The default payload: one row per minute, counts only — no key codes, no apps, no per-event rows.
    const received = await readPayload(request.body, 'parquet', file => `SELECT count(*)::INTEGER AS rows, count(DISTINCT minute)::INTEGER AS minutes,
      sum(events)::INTEGER AS events, sum(keys)::INTEGER AS keys, sum(keys_letter + keys_space)::INTEGER AS classified FROM read_parquet('${file}')`)
    assert.deepEqual(received, [{
      rows: expected.minutes, minutes: expected.minutes, events: expected.events, keys: expected.keys, classified: expected.keys,
    }])
    const columns = await readPayload(request.body, 'parquet', file => `SELECT list(column_name) AS columns FROM (DESCRIBE SELECT * FROM read_parquet('${file}'))`)
    assert.deepEqual(columns[0].columns, [...AGGREGATE_COLUMNS])
    assert.equal(request.body.includes(APP), false)

    // The ledger: sent, with the body's own sha256 and size, the destination without the query string.
    const ledger = await audit(s)
    assert.deepEqual(ledger.map(row => ({
      id: row.id, action: row.action, outcome: row.outcome, profile: row.profile, format: row.format, rows: row.rows, bytes: row.bytes, sha256: row.sha256, destination: row.destination,
    })), [{
      id: output.audit_id, action: 'upload', outcome: 'sent', profile: 'aggregate', format: 'parquet', rows: expected.minutes, bytes: request.body.length, sha256: sha256(request.body),
      destination: `${target.url}/ingest`,
    }])
    assert.equal(ledger[0].detail, `HTTP 201 Created; 1 attempt (201); Idempotency-Key ${output.preview.idempotency_key}`)
    assert.equal(ledger[0].range_start, null)
    assert.equal(ledger[0].range_end, output.preview.range_end)

    // The table view says what left, when and where.
    const table = await s.run(['audit'])
    const escaped = target.url.replaceAll('.', String.raw`\.`)
    assert.match(table.stdout, new RegExp(`upload +sent +… → .+aggregate +parquet +${expected.minutes} .+${sha256(request.body).slice(0, 12)} +${escaped}/ingest *$`, 'm'))

    assert.equal((await s.run(['stop'])).code, 0)
    for (const run of runs) {
      assert.equal(run.stdout.includes(TOKEN), false)
      assert.equal(run.stderr.includes(TOKEN), false)
    }

    for (const file of [database(s), `${database(s)}.wal`, path.join(s.home, 'logs', 'daemon.log')]) {
      const bytes = bytesOf(file)
      assert.equal(bytes.includes(TOKEN), false, file)
      assert.equal(bytes.includes('SENTINEL-query-91d0'), false, file)
    }

    assert.ok(bytesOf(database(s)).length > 0)
    // The payload folder is gone.
    assert.deepEqual(spawnSync('sh', ['-c', `ls -a ${s.home} | grep -c '^\\.upload-' || true`], {encoding: 'utf8'}).stdout.trim(), '0')
  })

  test('retries: two failures then success reuse one Idempotency-Key; 500 forever fails (exit 1, ledger "failed"); a 400 is not retried', async () => {
    const {s} = await preparedSandbox()
    const flaky = await server([reply(503, 'warming up'), reply(502), reply(201)])
    // --timeout reads durations like everywhere else (it took whole seconds only).
    const ok = await s.run(['upload', '--to', `${flaky.url}/in`, '--yes', '--timeout', '2m'])
    assert.equal(ok.code, 0, ok.stderr)
    assert.equal(flaky.seen.length, 3)
    assert.equal(new Set(flaky.seen.map(request => request.headers['idempotency-key'])).size, 1)
    assert.equal(new Set(flaky.seen.map(request => sha256(request.body))).size, 1)
    assert.equal(flaky.seen[0].headers['x-devtrace-sha256'], sha256(flaky.seen[0].body))
    assert.match(ok.stderr, /attempt 1 of 4: HTTP 503 Service Unavailable: warming up; retrying in \d\.\d s\n/)
    assert.match(ok.stderr, /attempt 2 of 4: HTTP 502 Bad Gateway; retrying in \d\.\d s\n/)
    assert.match(ok.stdout, /Sent \d+ rows \(aggregate, parquet, .+\) to http:\/\/127\.0\.0\.1:\d+\/in: HTTP 201 Created after 3 attempts\. Ledger entry 1\./)

    const broken = await server([reply(500, 'disk full on the server')])
    const failed = await s.run(['upload', '--to', `${broken.url}/in`, '--yes', '--retries', '2'])
    assert.equal(failed.code, 1)
    assert.equal(broken.seen.length, 3)
    const escaped = broken.url.replaceAll('.', String.raw`\.`)
    assert.match(oneLine(failed.stderr), new RegExp(`Error: The upload to ${escaped}/in failed after 3 attempts: HTTP 500 Internal Server Error: disk full on the server\\.`))
    assert.match(oneLine(failed.stderr), /Try this: It is in the ledger as failed \(devtrace audit\)\./)

    const rejected = await server([reply(400, '{"error":"unknown schema"}')])
    const bad = await s.run(['upload', '--to', `${rejected.url}/in`, '--yes'])
    assert.equal(bad.code, 1)
    assert.equal(rejected.seen.length, 1)
    assert.match(oneLine(bad.stderr), /failed after 1 attempt: HTTP 400 Bad Request: \{"error":"unknown schema"\}\./)

    const ledger = await audit(s)
    assert.deepEqual(ledger.map(row => [row.action, row.outcome, row.destination]), [
      ['upload', 'sent', `${flaky.url}/in`], ['upload', 'failed', `${broken.url}/in`], ['upload', 'failed', `${rejected.url}/in`],
    ])
    assert.match(ledger[0].detail!, /^HTTP 201 Created; 3 attempts \(503, 502, 201\); Idempotency-Key [\da-f]{32}$/)
    assert.match(ledger[1].detail!, /^HTTP 500 Internal Server Error: disk full on the server; 3 attempts \(500, 500, 500\); Idempotency-Key/)
    assert.match(ledger[2].detail!, /^HTTP 400 Bad Request: \{"error":"unknown schema"\}; 1 attempt \(400\);/)
    // The same payload to the same URL keeps its key; each failed row still records what would have left.
    assert.equal(ledger[1].sha256, ledger[0].sha256)
  })

  test('https: a self-signed server is refused without --ca (nothing recorded as sent), accepted with it', async () => {
    const {s} = await preparedSandbox()
    const secure = await server([reply(200, 'ok')], true)
    const untrusted = await s.run(['upload', '--to', `${secure.url}/in`, '--yes'])
    assert.equal(untrusted.code, 1)
    assert.match(oneLine(untrusted.stderr), /failed after 1 attempt: the server's TLS certificate was not accepted \(DEPTH_ZERO_SELF_SIGNED_CERT\)\./)
    assert.match(oneLine(untrusted.stderr), /Try this: If the server uses a private certificate authority, pass its certificate with --ca FILE\./)
    assert.equal(secure.seen.length, 0)

    const trusted = await s.run(['upload', '--to', `${secure.url}/in`, '--yes', '--ca', path.join(certDir, 'cert.pem'), '--format', 'csv', '--redact', 'coarse'])
    assert.equal(trusted.code, 0, trusted.stderr)
    assert.equal(secure.seen.length, 1)
    const [request] = secure.seen
    assert.equal(request.headers['content-type'], 'text/csv')
    assert.equal(request.headers['x-devtrace-sha256'], sha256(request.body))
    const text = request.body.toString('utf8')
    assert.equal(text.split('\n')[0], 'ts,session_id,kind,key_class,x,y,button,wheel_amount,wheel_direction,modifiers,app')
    assert.equal(text.includes(APP), false)

    const badCa = await s.run(['upload', '--to', `${secure.url}/in`, '--yes', '--ca', path.join(s.home, 'missing.pem')])
    assert.equal(badCa.code, 2)
    assert.equal(secure.seen.length, 1)
    assert.deepEqual((await audit(s)).map(row => [row.action, row.outcome, row.format, row.profile]), [
      ['upload', 'failed', 'parquet', 'aggregate'], ['upload', 'sent', 'csv', 'coarse'],
    ])
  })

  test('--redact none: refused without a terminal unless --yes; on a terminal only the typed host confirms', async () => {
    const {s, expected} = await preparedSandbox()
    const target = await server([reply(200)])
    const url = `${target.url}/raw`
    const {host} = new URL(target.url)

    const refused = await s.run(['upload', '--to', url, '--redact', 'none'])
    assert.equal(refused.code, 3)
    assert.match(oneLine(refused.stderr), /Refusing without confirmation: there is no terminal to ask on\. Nothing was sent\./)
    assert.match(oneLine(refused.stderr), /Try this: Run it in a terminal to confirm by typing the host, or add --yes \(with --redact none\)/)

    // A real pseudo-terminal (util-linux `script`); the answer typed ahead. Spawned without
    // blocking, so this process's server can answer.
    const onTerminal = (answer: string): Promise<{code: null | number; output: string}> => new Promise(resolve => {
      const command = `${process.execPath} ${BIN} upload --to ${url} --redact none`
      const child = spawn('script', ['-qec', command, '/dev/null'], {env: s.env, stdio: ['pipe', 'pipe', 'pipe']})
      let output = ''
      child.stdout.on('data', chunk => {
        output += chunk
      })
      child.stderr.on('data', chunk => {
        output += chunk
      })
      child.once('exit', code => resolve({code, output}))
      child.stdin.end(`${answer}\r`)
    })

    const wrong = await onTerminal('y')
    assert.equal(wrong.code, 3, wrong.output)
    assert.match(wrong.output, /--redact none sends your data as stored to 127\.0\.0\.1:\d+/)
    assert.match(wrong.output, new RegExp(`Type "${host}" to confirm:`))
    assert.match(wrong.output, /Not confirmed\. Nothing was sent\./)
    assert.equal(target.seen.length, 0)

    const typed = await onTerminal(host)
    assert.equal(typed.code, 0, typed.output)
    assert.equal(target.seen.length, 1)

    const yes = await s.run(['upload', '--to', url, '--redact', 'none', '--format', 'ndjson', '--yes'])
    assert.equal(yes.code, 0, yes.stderr)
    assert.equal(target.seen.length, 2)
    assert.equal(target.seen[1].headers['content-type'], 'application/x-ndjson')
    const lines = target.seen[1].body.toString('utf8').trim().split('\n').map(line => JSON.parse(line) as Record<string, unknown>)
    assert.equal(lines.length, expected.events)
    assert.equal(lines.filter(line => line.key_code === 30 && line.app === APP).length, 60)

    assert.deepEqual((await audit(s)).map(row => [row.action, row.outcome, row.profile, row.format, row.rows]), [
      ['upload', 'sent', 'none', 'parquet', expected.events], ['upload', 'sent', 'none', 'ndjson', expected.events],
    ])
  })
  test('--method put to presigned URLs (file, environment, --to): signed headers only, the previewed body, the query string nowhere; the README query reads it', async () => {
    const {s, expected} = await preparedSandbox()
    // An object store on loopback: the first PUT fails (retried as for POST), the rest are stored.
    const store = await server([reply(503, 'slow down'), reply(200)])
    const signature = (participant: string): string => `SENTINEL${participant}SIG0c4d3b2a1908f7e6d5c4b3a2918f7e6d5`
    const keyId = 'AKIASENTINELKEYID007'
    const query = (participant: string): string => [
      'X-Amz-Algorithm=AWS4-HMAC-SHA256',
      `X-Amz-Credential=${keyId}%2F20261130%2Fus-east-1%2Fs3%2Faws4_request`,
      'X-Amz-Expires=900',
      'X-Amz-SignedHeaders=host',
      `X-Amz-Signature=${signature(participant)}`,
    ].join('&')
    const presigned = (participant: string, day: string): string => `${store.url}/study-bucket/participant=${participant}/date=${day}/payload.parquet?${query(participant)}`
    const secrets = [keyId, signature('p07'), signature('p12'), signature('p31'), 'SENTINELconfigSIG']
    assert.equal((await s.run(['start', '--level', 'full'])).code, 0)
    // The token is for POST servers: a PUT must not send it, even when it is set.
    const env = {DEVTRACE_UPLOAD_TOKEN: TOKEN}
    const runs: CliResult[] = []
    const run = async (args: string[], extra: NodeJS.ProcessEnv = {}): Promise<CliResult> => {
      const result = await s.run(args, {env: {...env, ...extra}})
      runs.push(result)
      return result
    }

    // On the command line: a warning that argv is visible in ps; the preview says what a PUT sends.
    const dry = await run(['upload', '--method', 'put', '--to', presigned('p31', '2026-11-29'), '--dry-run'])
    assert.equal(dry.code, 0, dry.stderr)
    const psWarning = 'Warning: the URL given with --to has a query string (a presigned URL\'s signature): other users of this machine can read it in `ps` while devtrace runs.'
    assert.equal(oneLine(dry.stderr), `${psWarning} Pass it with --to-file PATH or DEVTRACE_UPLOAD_URL instead.`)
    assert.match(dry.stdout, /destination {2}http:\/\/127\.0\.0\.1:\d+\/study-bucket\/participant=p31\/date=2026-11-29\/payload\.parquet \(and a query string, not shown\)\n/)
    assert.match(dry.stdout, /method {7}PUT to a presigned URL \(headers: Content-Type, Content-Length, User-Agent\)\n/)
    assert.match(dry.stdout, /token {8}DEVTRACE_UPLOAD_TOKEN is set but not sent: with --method put the URL's query string is the credential \(no Authorization header\)\n/)
    // From a file or the environment: no warning.
    const urlFile = path.join(s.home, 'p07.url')
    writeFileSync(urlFile, `${presigned('p07', '2026-11-30')}\n`, {mode: 0o600})
    const quiet = await run(['upload', '--method', 'put', '--to-file', urlFile, '--dry-run'])
    assert.equal(quiet.code, 0, quiet.stderr)
    assert.equal(quiet.stderr, '')

    const fromFile = await run(['upload', '--method', 'put', '--to-file', urlFile, '--yes', '--json'])
    assert.equal(fromFile.code, 0, fromFile.stderr)
    const fileOutput = JSON.parse(fromFile.stdout) as Output
    const fromEnv = await run(['upload', '--method', 'put', '--format', 'csv', '--content-type', 'text/csv; charset=utf-8', '--yes', '--json'], {DEVTRACE_UPLOAD_URL: presigned('p12', '2026-11-30')})
    assert.equal(fromEnv.code, 0, fromEnv.stderr)
    const envOutput = JSON.parse(fromEnv.stdout) as Output
    assert.deepEqual([fileOutput.sent, fileOutput.status, fileOutput.attempts, envOutput.sent, envOutput.status, envOutput.attempts], [true, 200, 2, true, 200, 1])

    assert.equal(store.seen.length, 3)
    for (const [index, request] of store.seen.entries()) {
      const output = index < 2 ? fileOutput : envOutput
      assert.equal(request.method, 'PUT')
      assert.equal(request.url, presigned(index < 2 ? 'p07' : 'p12', '2026-11-30').slice(store.url.length))
      // Only what a presigned URL's signature tolerates: no Authorization, nothing of ours.
      assert.deepEqual(Object.keys(request.headers).sort(), ['connection', 'content-length', 'content-type', 'host', 'user-agent'])
      assert.equal(request.headers['content-type'], index < 2 ? 'application/vnd.apache.parquet' : 'text/csv; charset=utf-8')
      assert.equal(request.headers['content-length'], String(request.body.length))
      assert.equal(sha256(request.body), output.preview.sha256)
      assert.equal(output.preview.content_type, request.headers['content-type'])
    }

    assert.deepEqual(store.seen[0].body, store.seen[1].body)
    assert.deepEqual({
      method: fileOutput.preview.method, key: fileOutput.preview.idempotency_key, token: fileOutput.preview.token, unused: fileOutput.preview.token_unused, hidden: fileOutput.preview.query_hidden,
    }, {
      method: 'put', key: null, token: false, unused: true, hidden: true,
    })
    assert.equal(fileOutput.preview.destination, `${store.url}/study-bucket/participant=p07/date=2026-11-30/payload.parquet`)
    assert.match(store.seen[2].body.toString('utf8'), /^minute,events,keys,/)

    // A refusal that quotes the signed request back, as S3's SignatureDoesNotMatch does: exit 1, a
    // suggestion for presigned URLs, the ledger says failed — and still no secret anywhere.
    const refusing = await server([reply(403, `<Error><Code>SignatureDoesNotMatch</Code><AWSAccessKeyId>${keyId}</AWSAccessKeyId><SignatureProvided>${signature('p31')}</SignatureProvided></Error>`)])
    const refused = await run(['upload', '--method', 'put', '--yes'], {DEVTRACE_UPLOAD_URL: presigned('p31', '2026-11-29').replace(store.url, refusing.url)})
    assert.equal(refused.code, 1, refused.stderr)
    // Without white space: the error is wrapped to the terminal's width, long words broken too.
    const squeezed = refused.stderr.replaceAll(/[\s›]+/g, '')
    const quoted = '<Error><Code>SignatureDoesNotMatch</Code><AWSAccessKeyId>…</AWSAccessKeyId><SignatureProvided>…</SignatureProvided></Error>.'
    assert.ok(squeezed.includes(`failedafter1attempt:HTTP403Forbidden:${quoted}`), refused.stderr)
    assert.ok(squeezed.includes('Trythis:ThestorerefusedthepresignedURL'), refused.stderr)

    // config: a URL with a query can be set (it is the user's file), but get and list never show the query.
    const signedSetting = `${store.url}/study-bucket/default.parquet?X-Amz-Signature=SENTINELconfigSIG`
    const set = await run(['config', 'set', 'upload.url', signedSetting])
    assert.equal(set.code, 0, set.stderr)
    const get = await run(['config', 'get', 'upload.url', '--json'])
    assert.deepEqual(JSON.parse(get.stdout), {'upload.url': `${store.url}/study-bucket/default.parquet?…`})
    const list = await run(['config', 'list'])
    assert.match(list.stdout, /default\.parquet\?…/)

    const ledger = (await audit(s)).filter(row => row.action === 'upload')
    assert.deepEqual(ledger.map(row => [row.outcome, row.format, row.destination, row.sha256]), [
      ['sent', 'parquet', fileOutput.preview.destination, fileOutput.preview.sha256],
      ['sent', 'csv', `${store.url}/study-bucket/participant=p12/date=2026-11-30/payload.parquet`, envOutput.preview.sha256],
      ['failed', 'parquet', `${refusing.url}/study-bucket/participant=p31/date=2026-11-29/payload.parquet`, ledger[2].sha256],
    ])
    assert.deepEqual(ledger.map(row => row.detail!.replace(/^.*; /, '')), ['PUT to a presigned URL', 'PUT to a presigned URL', 'PUT to a presigned URL'])
    runs.push(await s.run(['audit', '--json']), await s.run(['audit']))

    assert.equal((await s.run(['stop'])).code, 0)
    for (const secret of [...secrets, TOKEN]) {
      for (const result of runs) {
        assert.equal(result.stdout.includes(secret), false, `stdout of ${result.stdout.slice(0, 80)}: ${secret}`)
        assert.equal(result.stderr.includes(secret), false, `stderr: ${secret}`)
      }

      for (const file of [database(s), `${database(s)}.wal`, path.join(s.home, 'logs', 'daemon.log')]) {
        assert.equal(bytesOf(file).includes(secret), false, `${file}: ${secret}`)
      }
    }

    assert.ok(bytesOf(path.join(s.home, 'logs', 'daemon.log')).length > 0)

    // What the store now holds, laid out by key; the README's query reads every participant at once.
    const bucket = mkdtempSync(path.join(os.tmpdir(), 'devtrace-bucket-'))
    try {
      for (const request of [store.seen[1], store.seen[2]]) {
        const key = decodeURIComponent(new URL(request.url, store.url).pathname.replace('/study-bucket/', ''))
        mkdirSync(path.dirname(path.join(bucket, key)), {recursive: true})
        // The CSV one is stored as Parquet, as a study asking for --format parquet would receive it.
        writeFileSync(path.join(bucket, key), request === store.seen[1] ? request.body : store.seen[1].body)
      }

      const rows = await runReadmeStudyQuery(bucket)
      assert.deepEqual(rows.map(row => ({...row, minutes: Number(row.minutes), keys: Number(row.keys)})), ['p07', 'p12'].map(participant => ({
        participant, date: '2026-11-30', minutes: expected.minutes, keys: expected.keys, active_hours: rows[0].active_hours,
      })))
      assert.equal(typeof rows[0].active_hours, 'number')
    } finally {
      rmSync(bucket, {force: true, recursive: true})
    }
  })
})
