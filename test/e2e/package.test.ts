import assert from 'node:assert/strict'
import {spawn, spawnSync} from 'node:child_process'
import {
  existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync,
} from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import {
  after, before, describe, test,
} from 'node:test'

import {ROOT} from '../helpers/cli.js'
import {type LocalRegistry, startLocalRegistry} from '../helpers/local-registry.js'

const NETWORK_TRACE = path.join(ROOT, 'test', 'helpers', 'network-trace.mjs')

/**
 * The package as npm ships it: `npm pack` of the built tree, installed globally into a temporary
 * prefix, then run as `devtrace` from that prefix's bin folder, away from this repository. The
 * install's registry is a loopback one (test/helpers/local-registry.ts) that serves the packages
 * of package-lock.json from the npm cache `npm ci` filled, and npm's own cache is a new, empty
 * folder: every dependency comes through that registry, and no test reaches beyond 127.0.0.1.
 */
describe('npm pack: a tarball that installs globally and runs', () => {
  const work = mkdtempSync(path.join(os.tmpdir(), 'devtrace-test-package-'))
  const prefix = path.join(work, 'prefix')
  const home = path.join(work, 'home')
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    // The installed command, found on the PATH as a user's shell would find it.
    PATH: `${path.join(prefix, 'bin')}${path.delimiter}${process.env.PATH}`,
    DEVTRACE_HOME: home,
    XDG_CACHE_HOME: path.join(work, 'cache'),
    NO_COLOR: '1',
    npm_config_audit: 'false',
    npm_config_fund: 'false',
    npm_config_update_notifier: 'false',
  }
  delete env.DISPLAY
  delete env.DEBUG
  let tarball = ''
  let registry: LocalRegistry

  before(async () => {
    // The cache `npm ci` filled (npm_config_cache when the tests run with one, as CI may).
    const cache = run('npm', ['config', 'get', 'cache'], ROOT).stdout.trim()
    registry = await startLocalRegistry(path.join(ROOT, 'package-lock.json'), cache)
  })

  after(async () => {
    await registry?.close()
    rmSync(work, {force: true, recursive: true})
  })

  function run(command: string, args: string[], cwd = work): {code: null | number; stderr: string; stdout: string} {
    const result = spawnSync(command, args, {cwd, encoding: 'utf8', env})
    assert.equal(result.error, undefined, `${command}: ${result.error?.message}`)
    return {code: result.status, stderr: result.stderr, stdout: result.stdout}
  }

  /** `run`, without blocking this process: the loopback registry answers from its event loop. */
  function runAsync(command: string, args: string[], extra: NodeJS.ProcessEnv): Promise<{code: null | number; stderr: string; stdout: string}> {
    return new Promise((resolve, reject) => {
      const child = spawn(command, args, {cwd: work, env: {...env, ...extra}, stdio: ['ignore', 'pipe', 'pipe']})
      let stdout = ''
      let stderr = ''
      child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
        stdout += chunk
      })
      child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
        stderr += chunk
      })
      child.once('error', reject)
      child.once('close', code => resolve({code, stderr, stdout}))
    })
  }

  test('npm pack ships the built CLI and its manifest, and nothing of the tests, benches or sources', () => {
    // --ignore-scripts: pack the tree this test run built, without rebuilding it (`prepare`).
    const packed = run('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', work], ROOT)
    assert.equal(packed.code, 0, packed.stderr)
    const [info] = JSON.parse(packed.stdout) as Array<{filename: string; files: Array<{path: string}>}>
    tarball = path.join(work, info.filename)
    const files = info.files.map(file => file.path)
    for (const needed of ['package.json', 'README.md', 'bin/run.js', 'oclif.manifest.json', 'dist/fast-path.js', 'dist/commands/demo.js', 'dist/hooks/command-not-found.js']) {
      assert.ok(files.includes(needed), `${needed} is in the tarball`)
    }

    const unwanted = files.filter(file => /^(test|bench|src|scripts|\.ci|node_modules)\//.test(file) || file === 'bin/dev.js' || file.endsWith('.ts'))
    assert.deepEqual(unwanted, [])
  })

  test('npm install -g --prefix installs it; devtrace --version, help and demo run from the PATH', async () => {
    assert.ok(existsSync(tarball), 'the pack test made a tarball')
    // A new, empty npm cache: whatever npm installs, it fetched from the loopback registry.
    const cache = path.join(work, 'npm-cache')
    mkdirSync(cache)
    const trace = path.join(work, 'npm-network.txt')
    const installed = await runAsync('npm', ['install', '--global', '--prefix', prefix, '--registry', registry.url, '--offline=false', '--prefer-online=false', tarball], {
      DEVTRACE_NETWORK_TRACE: trace,
      // npm, and every node process it starts (install scripts), record each connection they open.
      NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --import ${NETWORK_TRACE}`.trim(),
      npm_config_cache: cache,
    })
    assert.equal(installed.code, 0, installed.stderr)
    assert.ok(existsSync(path.join(prefix, 'lib', 'node_modules', 'devtrace', 'bin', 'run.js')))

    // Every request was for a package the lock holds and found it; the dependencies came from it.
    const failed = registry.requests.filter(request => request.status !== 200)
    assert.deepEqual(failed, [], 'the loopback registry knew every package npm asked for')
    const urls = registry.requests.map(request => request.url)
    for (const dependency of ['@duckdb%2fnode-api', '@oclif%2fcore', 'uiohook-napi']) {
      assert.ok(urls.some(url => url.slice(1) === dependency), `npm asked the loopback registry for ${dependency}`)
    }

    assert.ok(urls.some(url => url.endsWith('.tgz')), 'npm fetched tarballs from the loopback registry')
    const {port} = new URL(registry.url)
    const attempts = readFileSync(trace, 'utf8').split('\n').filter(Boolean)
    assert.ok(attempts.length > 0, 'the trace saw npm connect to the loopback registry')
    const elsewhere = attempts.filter(line => line !== `connect ${JSON.stringify({host: '127.0.0.1', port})}`)
    assert.deepEqual(elsewhere, [], 'npm connected only to the loopback registry')

    const version = run('devtrace', ['--version'])
    assert.equal(version.code, 0, version.stderr)
    assert.match(version.stdout, /^devtrace\/0\.1\.0 /)

    const help = run('devtrace', ['help', 'summarize'])
    assert.equal(help.code, 0, help.stderr)
    assert.match(help.stdout, /\$ devtrace summarize/)

    const demo = run('devtrace', ['demo', '--days', '1'])
    assert.equal(demo.code, 0, demo.stderr)
    assert.match(demo.stdout, /synthetic events/)
    assert.ok(existsSync(path.join(home, 'demo', 'demo.duckdb')))
    assert.ok(existsSync(path.join(home, 'demo', 'report.html')))
  })
})
