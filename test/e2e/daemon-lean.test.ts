import assert from 'node:assert/strict'
import {spawn} from 'node:child_process'
import {readFileSync, writeFileSync} from 'node:fs'
import path from 'node:path'
import {describe, test} from 'node:test'

import {
  BIN, oneLine, ROOT, type Sandbox, waitFor,
} from '../helpers/cli.js'
import {queryFile} from '../helpers/db.js'
import {usePrivateDisplay} from '../helpers/display-suite.js'
import {e2eSkipReason, xdotool} from '../helpers/xvfb.js'

const skip = e2eSkipReason()
const TRACE = path.join(ROOT, 'test', 'helpers', 'module-trace.mjs')

/**
 * The daemon keeps only what capture needs in memory (BENCHMARKS.md, issue 15 part M2): zod and
 * the config module that uses it (~7.6 MiB) load only when config.json is not plainly valid, to
 * say what is wrong. Every module the daemon process resolves is traced (module-trace.mjs).
 */
describe('what the daemon loads', {skip}, () => {
  const x = usePrivateDisplay()

  /** `start --foreground` as `devtrace start` and service managers run it, with the module trace. */
  function foreground(s: Sandbox): {lines: () => string; stop: () => Promise<{code: null | number; modules: string[]}>} {
    const traceFile = path.join(s.home, 'modules.txt')
    const child = spawn(process.execPath, ['--import', TRACE, BIN, 'start', '--foreground'], {
      env: {...s.env, DEVTRACE_MODULE_TRACE: traceFile}, stdio: ['ignore', 'pipe', 'pipe'],
    })
    let out = ''
    child.stdout.on('data', chunk => {
      out += chunk
    })
    child.stderr.on('data', chunk => {
      out += chunk
    })
    const exited = new Promise<null | number>(resolve => {
      child.once('exit', code => resolve(code))
    })
    return {
      lines: () => out,
      async stop() {
        child.kill('SIGTERM')
        const code = await exited
        return {code, modules: readFileSync(traceFile, 'utf8').split('\n').filter(Boolean)}
      },
    }
  }

  const loaded = (modules: string[], part: string): boolean => modules.some(url => url.includes(part))

  test('a plain config.json is read without zod, at start and when it changes; capture works', async () => {
    const s = x.sandbox()
    const config = path.join(s.home, 'config.json')
    writeFileSync(config, JSON.stringify({
      mouse_hz: 0, exclude_apps: ['keepassxc'], retention_days: 30, upload: {url: 'https://example.com/upload'},
    }))
    const daemon = foreground(s)
    await waitFor(() => daemon.lines().includes('capturing in the foreground'), 'the ready line', 120_000)
    xdotool(x.display, 'type', '--delay', '5', 'abc')
    // A change the daemon applies live, still plain.
    writeFileSync(config, JSON.stringify({mouse_hz: 0, exclude_apps: ['keepassxc', 'signal'], capture_titles: true}))
    await waitFor(() => /settings reloaded: exclude_apps/.test(daemon.lines()), 'the reload line', 120_000)
    const {code, modules} = await daemon.stop()
    assert.equal(code, 0, daemon.lines())
    assert.ok(loaded(modules, '/dist/daemon/daemon.js'), 'the trace saw the daemon start')
    assert.ok(loaded(modules, '/dist/config/read-config.js'), 'the daemon read its settings by hand')
    assert.equal(loaded(modules, '/node_modules/zod/'), false, 'zod is not loaded')
    assert.equal(loaded(modules, '/dist/config/config.js'), false, 'config.ts (which imports zod) is not loaded')
    const rows = await queryFile(path.join(s.home, 'devtrace.duckdb'), 'SELECT count(*)::INTEGER AS n FROM events WHERE kind = \'key_down\'')
    assert.deepEqual(rows, [{n: 3}])
  })

  test('a broken change loads zod to say what is wrong, and the daemon keeps its settings', async () => {
    const s = x.sandbox()
    const daemon = foreground(s)
    await waitFor(() => daemon.lines().includes('capturing in the foreground'), 'the ready line', 120_000)
    writeFileSync(path.join(s.home, 'config.json'), JSON.stringify({mouse_hz: 'fast'}))
    await waitFor(() => /config not applied, keeping the previous settings: .*config\.json: field "mouse_hz" is invalid/.test(daemon.lines()), 'the error line', 120_000)
    const {code, modules} = await daemon.stop()
    assert.equal(code, 0, daemon.lines())
    assert.ok(loaded(modules, '/node_modules/zod/'), 'zod was loaded for the broken file')
  })

  test('a broken config.json at start is config.ts\'s error, exit 1, as before', async () => {
    const s = x.sandbox()
    writeFileSync(path.join(s.home, 'config.json'), JSON.stringify({level: 'standard', colour: 'blue'}))
    const result = await s.run(['start', '--foreground'])
    assert.equal(result.code, 1)
    assert.match(oneLine(result.stderr), /config\.json: field "colour" is invalid: Unrecognized key: "colour"\. Try this: Correct it with `devtrace config set colour VALUE`/)
  })
})
