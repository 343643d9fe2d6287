import assert from 'node:assert/strict'
import {existsSync, readdirSync, readFileSync} from 'node:fs'
import {createRequire} from 'node:module'
import path from 'node:path'
import {describe, test} from 'node:test'
import {fileURLToPath} from 'node:url'

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..')
const SRC = path.join(ROOT, 'src')

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

function sources(dir: string, extension = '.ts'): string[] {
  return readdirSync(dir, {withFileTypes: true}).flatMap(entry => {
    const full = path.join(dir, entry.name)
    if (entry.isDirectory()) return sources(full, extension)
    return entry.name.endsWith(extension) ? [full] : []
  })
}

/** The folder of an installed package, resolved the way Node resolves it from `from`. */
function packageDir(name: string, from: string): string {
  let dir = path.dirname(createRequire(path.join(from, 'package.json')).resolve(name))
  while (!existsSync(path.join(dir, 'package.json')) || JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')).name !== name) dir = path.dirname(dir)
  return dir
}

/** Whether compiled JavaScript uses a networking module or the global fetch (a local function named fetch is not it). */
function usesNetwork(text: string): boolean {
  const localFetch = /\b(const|let|var|function)\s+fetch\b/.test(text)
  const required = /require\(['"](node:)?(http|https|http2|tls|dgram|dns|net)(\/promises)?['"]\)/.test(text)
  return required || NETWORK.some(pattern => (localFetch && pattern.source.includes('fetch') ? false : pattern.test(text)))
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
    // compositors' sockets (app context), upload, and upload's URL rules (which only parse addresses).
    assert.deepEqual(netUsers.filter(file => !file.startsWith('transfer/upload')).sort(), [
      'capture/availability.ts', 'capture/compositor-tracker.ts', 'config/upload-url.ts', 'ipc/client.ts', 'ipc/server.ts', 'transfer/copy-to-stdout.ts',
    ])
    // The URL rules ask node:net whether a string is an address, and nothing else.
    const urlRules = readFileSync(path.join(SRC, 'config', 'upload-url.ts'), 'utf8')
    const netCalls = urlRules.match(/\bnet\.\w+/g) ?? []
    assert.ok(netCalls.length > 0)
    for (const call of netCalls) assert.match(call, /^net\.isIP(v4|v6)?$/)
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

  // oclif's plugins run inside every oclif command, so they are held to the same rule: the ones
  // devtrace loads (package.json's oclif.plugins, and plugin-not-found, which its command_not_found
  // hook calls) and the packages they depend on use no networking module, and none of them is a
  // plugin that installs plugins or checks for updates.
  test('oclif plugins and what they depend on: no networking, no update checks', () => {
    const pjson = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as {oclif: {plugins: string[]}}
    const plugins = [...pjson.oclif.plugins, '@oclif/plugin-not-found']
    assert.deepEqual(pjson.oclif.plugins.filter(name => /update|plugin-plugins|warn-if/.test(name)), [])
    assert.ok(pjson.oclif.plugins.includes('@oclif/plugin-help') && pjson.oclif.plugins.includes('@oclif/plugin-autocomplete'))
    const offenders: string[] = []
    let scanned = 0
    for (const plugin of plugins) {
      const dir = packageDir(plugin, ROOT)
      const {dependencies = {}} = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')) as {dependencies?: Record<string, string>}
      for (const folder of [dir, ...Object.keys(dependencies).map(name => packageDir(name, dir))]) {
        for (const file of sources(folder, '.js')) {
          scanned++
          if (usesNetwork(readFileSync(file, 'utf8'))) offenders.push(path.relative(ROOT, file))
        }
      }
    }

    assert.ok(scanned > 50, `scanned ${scanned} files`)
    assert.deepEqual(offenders, [])
  })

  test('the plugin scan catches a networking module in compiled JavaScript', () => {
    assert.equal(usesNetwork('const https = require("https")'), true)
    assert.equal(usesNetwork('var net_1 = require("node:net");'), true)
    assert.equal(usesNetwork('import { request } from "node:http";'), true)
    assert.equal(usesNetwork('const r = await fetch(url)'), true)
    assert.equal(usesNetwork('const fetch = async () => 1; await fetch()'), false)
    assert.equal(usesNetwork('import { mkdirSync } from "node:fs";'), false)
  })
})
