import assert from 'node:assert/strict'
import {readdirSync, readFileSync} from 'node:fs'
import path from 'node:path'
import {describe, test} from 'node:test'
import {fileURLToPath} from 'node:url'

const SRC = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'src')

/** What could open a network connection: HTTP(S), TLS, HTTP/2, UDP, DNS, fetch, WebSockets, HTTP client libraries. */
const NETWORK = [
  /from ['"](node:)?(http|https|http2|tls|dgram|dns)(\/promises)?['"]/,
  /import\(['"](node:)?(http|https|http2|tls|dgram|dns)(\/promises)?['"]\)/,
  /require\(['"](node:)?(http|https|http2|tls|dgram|dns)['"]\)/,
  /\bfetch\s*\(/,
  /\bnew\s+WebSocket\b/,
  /\bXMLHttpRequest\b/,
  /from ['"](undici|axios|got|node-fetch|ky|superagent|ws)['"]/,
]

function sources(dir: string): string[] {
  return readdirSync(dir, {withFileTypes: true}).flatMap(entry => {
    const full = path.join(dir, entry.name)
    if (entry.isDirectory()) return sources(full)
    return entry.name.endsWith('.ts') ? [full] : []
  })
}

describe('SPEC: nothing but upload opens a network connection', () => {
  test('networking modules appear only in src/transfer/upload*.ts; node:net only for the local socket and the display check', () => {
    const offenders: string[] = []
    const netUsers: string[] = []
    for (const file of sources(SRC)) {
      const relative = path.relative(SRC, file).split(path.sep).join('/')
      const text = readFileSync(file, 'utf8')
      const isUpload = /^transfer\/upload[\w-]*\.ts$/.test(relative)
      if (!isUpload && NETWORK.some(pattern => pattern.test(text))) offenders.push(relative)
      if (/from ['"](node:)?net['"]/.test(text)) netUsers.push(relative)
    }

    assert.deepEqual(offenders, [])
    // node:net reaches Unix sockets and named pipes (the daemon's IPC) as well as TCP; each user is
    // known: the IPC client and server, the FIFO writer, the X display probe, the Wayland
    // compositors' sockets (app context), and upload.
    assert.deepEqual(netUsers.filter(file => !file.startsWith('transfer/upload')).sort(), [
      'capture/availability.ts', 'capture/compositor-tracker.ts', 'ipc/client.ts', 'ipc/server.ts', 'transfer/copy-to-stdout.ts',
    ])
    // The compositors are reached by a socket path only, never a host and port.
    const compositor = readFileSync(path.join(SRC, 'capture', 'compositor-tracker.ts'), 'utf8')
    const connects = compositor.match(/createConnection\([^)]*\)/g) ?? []
    assert.ok(connects.length > 0)
    for (const call of connects) assert.match(call, /^createConnection\(\{path: [\w.]+\}\)$/)
  })

  test('the check itself catches what it is meant to', () => {
    const caught = (text: string): boolean => NETWORK.some(pattern => pattern.test(text))
    assert.equal(caught('import https from \'node:https\''), true)
    assert.equal(caught('const h = await import("http")'), true)
    assert.equal(caught('await fetch (url)'), true)
    assert.equal(caught('import {lookup} from \'node:dns/promises\''), true)
    assert.equal(caught('import {request} from \'undici\''), true)
    assert.equal(caught('import net from \'node:net\''), false)
    assert.equal(caught('prefetch(rows)'), false)
  })
})
