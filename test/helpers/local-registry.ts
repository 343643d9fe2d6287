import type {AddressInfo} from 'node:net'

import {existsSync, readFileSync} from 'node:fs'
import {createServer, type Server} from 'node:http'
import path from 'node:path'

/** One package version as package-lock.json records it (lockfileVersion 3, `packages`). */
interface LockEntry {
  bin?: Record<string, string>
  cpu?: string[]
  dependencies?: Record<string, string>
  deprecated?: string
  dev?: boolean
  engines?: Record<string, string>
  hasInstallScript?: boolean
  integrity?: string
  libc?: string[]
  license?: string
  link?: boolean
  name?: string
  optionalDependencies?: Record<string, string>
  os?: string[]
  peerDependencies?: Record<string, string>
  peerDependenciesMeta?: Record<string, unknown>
  version?: string
}

export interface RegistryRequest {
  status: number
  url: string
}

export interface LocalRegistry {
  close(): Promise<void>
  /** Every request the registry answered, in order, with the status it answered. */
  requests: RegistryRequest[]
  /** The registry's address, for `--registry`: http://127.0.0.1:PORT/ */
  url: string
}

/** The path, under an npm cache folder, where cacache keeps the content an integrity names. */
function cachedContent(cache: string, integrity: string): string | undefined {
  for (const hash of integrity.split(/\s+/)) {
    const match = /^(sha\d+)-(.+)$/.exec(hash)
    if (!match) continue
    const hex = Buffer.from(match[2], 'base64').toString('hex')
    const file = path.join(cache, '_cacache', 'content-v2', match[1], hex.slice(0, 2), hex.slice(2, 4), hex.slice(4))
    if (existsSync(file)) return file
  }

  return undefined
}

/**
 * An npm registry on loopback that knows exactly the packages of a package-lock.json: for each
 * name, a packument made from its lock entries (every version the lock holds), and for each
 * version the tarball npm's cache holds under the lock's integrity (`npm ci` put it there). A
 * request for anything else — a name the lock does not hold, a tarball the cache lacks — is
 * answered 404 and recorded, so a test can fail on it. Nothing is fetched from anywhere else.
 */
export async function startLocalRegistry(lockFile: string, npmCache: string): Promise<LocalRegistry> {
  const lock = JSON.parse(readFileSync(lockFile, 'utf8')) as {packages: Record<string, LockEntry>}
  // name -> version -> lock entry
  const packages = new Map<string, Map<string, LockEntry>>()
  for (const [key, entry] of Object.entries(lock.packages)) {
    const at = key.lastIndexOf('node_modules/')
    if (at === -1 || entry.link || !entry.version || !entry.integrity) continue
    const name = key.slice(at + 'node_modules/'.length)
    if (!packages.has(name)) packages.set(name, new Map())
    packages.get(name)!.set(entry.version, entry)
  }

  const requests: RegistryRequest[] = []
  let base = ''

  const tarballUrl = (name: string, version: string): string => `${base}${name}/-/${name.split('/').pop()}-${version}.tgz`

  function packument(name: string, versions: Map<string, LockEntry>): string {
    const manifests: Record<string, unknown> = {}
    for (const [version, entry] of versions) {
      manifests[version] = {
        bin: entry.bin,
        cpu: entry.cpu,
        dependencies: {...entry.dependencies, ...entry.optionalDependencies},
        deprecated: entry.deprecated,
        dist: {integrity: entry.integrity, tarball: tarballUrl(name, version)},
        engines: entry.engines,
        hasInstallScript: entry.hasInstallScript,
        libc: entry.libc,
        license: entry.license,
        name,
        optionalDependencies: entry.optionalDependencies,
        os: entry.os,
        peerDependencies: entry.peerDependencies,
        peerDependenciesMeta: entry.peerDependenciesMeta,
        version,
      }
    }

    // The hoisted (top-level) version is the one the lock resolved most ranges to.
    const latest = lock.packages[`node_modules/${name}`]?.version ?? [...versions.keys()].at(-1)!
    return JSON.stringify({'dist-tags': {latest}, name, versions: manifests})
  }

  const server: Server = createServer((request, response) => {
    const url = request.url ?? '/'
    const answer = (status: number, type: string, body: Buffer | string): void => {
      requests.push({status, url})
      response.writeHead(status, {'content-length': Buffer.byteLength(body), 'content-type': type})
      response.end(request.method === 'HEAD' ? undefined : body)
    }

    const wanted = decodeURIComponent(new URL(url, 'http://127.0.0.1').pathname).slice(1)
    // NAME/-/BASENAME-VERSION.tgz, where a version may hold dashes (1.5.6-r.1).
    const tarball = /^(.+)\/-\/([^/]+)\.tgz$/.exec(wanted)
    if (tarball) {
      const [, name, file] = tarball
      const prefix = `${name.split('/').pop()}-`
      const entry = file.startsWith(prefix) ? packages.get(name)?.get(file.slice(prefix.length)) : undefined
      const content = entry && cachedContent(npmCache, entry.integrity!)
      if (content) {
        answer(200, 'application/octet-stream', readFileSync(content))
        return
      }
    } else {
      const versions = packages.get(wanted)
      if (versions) {
        answer(200, 'application/json', packument(wanted, versions))
        return
      }
    }

    answer(404, 'application/json', JSON.stringify({error: 'Not found'}))
  })

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', resolve)
  })
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`

  return {
    close: () => new Promise<void>(resolve => {
      server.closeAllConnections()
      server.close(() => resolve())
    }),
    requests,
    url: base,
  }
}
