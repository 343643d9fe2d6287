import assert from 'node:assert/strict'
import {
  chmodSync, existsSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync,
} from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import {
  afterEach, beforeEach, describe, it,
} from 'node:test'

import {ensurePrivateDir, resolvePaths} from '../../src/config/paths.js'
import {DevtraceError} from '../../src/core/errors.js'

/** Permission bits of a file or folder. */
function modeOf(file: string): number {
  return statSync(file).mode % 0o1000
}

describe('paths', () => {
  describe('resolvePaths', () => {
    it('puts every piece of state under DEVTRACE_HOME', () => {
      const home = path.join(os.tmpdir(), 'devtrace-home-example')
      assert.deepEqual(resolvePaths({DEVTRACE_HOME: home}), {
        home,
        database: path.join(home, 'devtrace.duckdb'),
        config: path.join(home, 'config.json'),
        pidFile: path.join(home, 'daemon.pid'),
        socket: path.join(home, 'daemon.sock'),
        logDir: path.join(home, 'logs'),
        logFile: path.join(home, 'logs', 'daemon.log'),
        demoDatabase: path.join(home, 'demo', 'demo.duckdb'),
      })
    })

    it('resolves a relative DEVTRACE_HOME against the working directory', () => {
      const paths = resolvePaths({DEVTRACE_HOME: 'relative/state'})
      assert.equal(paths.home, path.join(process.cwd(), 'relative', 'state'))
      assert.equal(paths.database, path.join(process.cwd(), 'relative', 'state', 'devtrace.duckdb'))
    })

    it('normalises DEVTRACE_HOME (trailing slash, dot segments)', () => {
      assert.equal(resolvePaths({DEVTRACE_HOME: '/srv/devtrace/'}).home, path.resolve('/srv/devtrace'))
      assert.equal(resolvePaths({DEVTRACE_HOME: '/srv/x/../devtrace'}).config, path.join(path.resolve('/srv/devtrace'), 'config.json'))
    })

    it('without DEVTRACE_HOME uses the XDG data folder on Linux', () => {
      // env-paths reads XDG_DATA_HOME from the process environment.
      const dataHome = process.env.XDG_DATA_HOME || path.join(os.homedir(), '.local', 'share')
      const expected = path.join(dataHome, 'devtrace')
      assert.equal(resolvePaths({}).home, expected)
      assert.equal(resolvePaths({DEVTRACE_HOME: ''}).home, expected)
      assert.equal(resolvePaths({}).database, path.join(expected, 'devtrace.duckdb'))
    })

    it('reads process.env by default', () => {
      const saved = process.env.DEVTRACE_HOME
      const home = path.join(os.tmpdir(), 'devtrace-default-env')
      process.env.DEVTRACE_HOME = home
      try {
        assert.equal(resolvePaths().home, home)
      } finally {
        if (saved === undefined) delete process.env.DEVTRACE_HOME
        else process.env.DEVTRACE_HOME = saved
      }
    })
  })

  describe('ensurePrivateDir', () => {
    let root: string

    beforeEach(() => {
      root = mkdtempSync(path.join(os.tmpdir(), 'devtrace-paths-test-'))
    })

    afterEach(() => {
      rmSync(root, {force: true, recursive: true})
    })

    it('creates a missing folder (and its parents) with mode 0700', () => {
      const dir = path.join(root, 'a', 'b')
      ensurePrivateDir(dir)
      assert.equal(statSync(dir).isDirectory(), true)
      assert.equal(modeOf(dir), 0o700)
    })

    it('tightens an existing 0755 folder to 0700', () => {
      const dir = path.join(root, 'open')
      mkdirSync(dir)
      chmodSync(dir, 0o755)
      assert.equal(modeOf(dir), 0o755)
      ensurePrivateDir(dir)
      assert.equal(modeOf(dir), 0o700)
    })

    it('leaves an existing 0700 folder and its contents alone', () => {
      const dir = path.join(root, 'private')
      ensurePrivateDir(dir)
      mkdirSync(path.join(dir, 'inner'))
      ensurePrivateDir(dir)
      assert.equal(modeOf(dir), 0o700)
      assert.equal(existsSync(path.join(dir, 'inner')), true)
    })

    it('a file where the folder (or a parent) should be: one sentence naming that file, no errno code', () => {
      const file = path.join(root, 'taken')
      writeFileSync(file, '')
      for (const dir of [file, path.join(file, 'logs')]) {
        assert.throws(() => ensurePrivateDir(dir), (error: unknown) => {
          assert.ok(error instanceof DevtraceError, String(error))
          // (Prefixed with "DEVTRACE_HOME " when that variable is set: the file is then the home itself.)
          assert.ok(error.message.endsWith(`${file} is a file, but devtrace needs a folder there.`), error.message)
          return true
        })
      }
    })
  })
})
