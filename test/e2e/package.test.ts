import assert from 'node:assert/strict'
import {spawnSync} from 'node:child_process'
import {existsSync, mkdtempSync, rmSync} from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import {after, describe, test} from 'node:test'

import {ROOT} from '../helpers/cli.js'

/**
 * The package as npm ships it: `npm pack` of the built tree, installed globally into a temporary
 * prefix, then run as `devtrace` from that prefix's bin folder, away from this repository. The
 * tarball carries npm-shrinkwrap.json (made from package-lock.json by `prepack`), so every
 * dependency is pinned by integrity and the install runs `--offline` from npm's cache, which
 * `npm ci` filled: no test reaches beyond loopback.
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

  after(() => rmSync(work, {force: true, recursive: true}))

  function run(command: string, args: string[], cwd = work): {code: null | number; stderr: string; stdout: string} {
    const result = spawnSync(command, args, {cwd, encoding: 'utf8', env})
    assert.equal(result.error, undefined, `${command}: ${result.error?.message}`)
    return {code: result.status, stderr: result.stderr, stdout: result.stdout}
  }

  test('npm pack ships the built CLI and its manifest, and nothing of the tests, benches or sources', () => {
    // --ignore-scripts: pack the tree this test run built, without rebuilding it (`prepare`); the
    // pinning that `prepack` and `postpack` do around a real pack is run here by name.
    assert.equal(run('npm', ['run', '--silent', 'prepack'], ROOT).code, 0)
    let packed: ReturnType<typeof run>
    try {
      packed = run('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', work], ROOT)
    } finally {
      run('npm', ['run', '--silent', 'postpack'], ROOT)
    }

    assert.equal(packed.code, 0, packed.stderr)
    const [info] = JSON.parse(packed.stdout) as Array<{filename: string; files: Array<{path: string}>}>
    tarball = path.join(work, info.filename)
    const files = info.files.map(file => file.path)
    for (const needed of ['package.json', 'npm-shrinkwrap.json', 'README.md', 'bin/run.js', 'oclif.manifest.json', 'dist/fast-path.js', 'dist/commands/demo.js', 'dist/hooks/command-not-found.js']) {
      assert.ok(files.includes(needed), `${needed} is in the tarball`)
    }

    const unwanted = files.filter(file => /^(test|bench|src|scripts|\.ci|node_modules)\//.test(file) || file === 'bin/dev.js' || file.endsWith('.ts'))
    assert.deepEqual(unwanted, [])
  })

  test('npm install -g --prefix installs it; devtrace --version, help and demo run from the PATH', () => {
    assert.ok(existsSync(tarball), 'the pack test made a tarball')
    const installed = run('npm', ['install', '--global', '--prefix', prefix, '--offline', tarball])
    assert.equal(installed.code, 0, installed.stderr)
    assert.ok(existsSync(path.join(prefix, 'lib', 'node_modules', 'devtrace', 'bin', 'run.js')))

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
