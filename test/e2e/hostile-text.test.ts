import assert from 'node:assert/strict'
import {spawn} from 'node:child_process'
import {
  after, before, describe, test,
} from 'node:test'

import {
  BIN, oneLine, type Sandbox, waitFor,
} from '../helpers/cli.js'
import {usePrivateDisplay} from '../helpers/display-suite.js'
import {
  activate, openWindow, type Started, startWindowManager, type TestWindow, windowsSkipReason,
} from '../helpers/windows.js'
import {e2eSkipReason, xdotool} from '../helpers/xvfb.js'

const skip = e2eSkipReason() || windowsSkipReason()

// An app class that clears the screen, and a title with a tab and a newline.
const APP = 'Evil\u001B[2J'
const TITLE = 'tab\there\nnewline'
const APP_SHOWN = String.raw`Evil\x1b[2J`
const TITLE_SHOWN = String.raw`tab\x09here\x0anewline`
const escape = (text: string): string => text.replaceAll(/[$()*+.?[\\\]^{|}]/g, String.raw`\$&`)
// Any control character but the newlines that end lines.
// eslint-disable-next-line no-control-regex
const RAW_CONTROL = /[\u0000-\u0009\u000B-\u001F\u007F-\u009F]/

/**
 * Other programs choose app classes and window titles. A hostile one must reach the terminal as
 * visible text in every human-readable output, and exactly as it is in --json.
 */
describe('hostile app names and titles are shown escaped, and exact in --json', {skip}, () => {
  const display = usePrivateDisplay()
  let wm: Started
  let evil: TestWindow
  let s: Sandbox

  before(async () => {
    wm = await startWindowManager(display.display)
    evil = await openWindow(display.display, 'xterm', ['-class', APP, '-T', TITLE, '-e', 'sleep', '3600'], 'Evil')
    s = display.sandbox()
    for (const [key, value] of [['capture_titles', 'true'], ['flush_ms', '100']]) {
      const set = await s.run(['config', 'set', key, value])
      assert.equal(set.code, 0, set.stderr)
    }

    const start = await s.run(['start'])
    assert.equal(start.code, 0, start.stderr)
    await activate(display.display, evil)
    await waitFor(async () => (JSON.parse((await s.run(['status', '--json'])).stdout) as {app: string}).app === APP, 'the daemon to see the hostile app focused')
    xdotool(display.display, 'type', '--delay', '5', 'ab')
    await waitFor(async () => {
      const result = await s.run(['query', 'SELECT count(*) AS n FROM events WHERE kind = \'key_down\'', '--json'])
      return (JSON.parse(result.stdout) as Array<{n: number}>)[0].n === 2
    }, 'two key presses recorded')
  })

  after(async () => {
    await s?.run(['stop'])
    await evil?.stop()
    await wm?.stop()
  })

  async function shown(args: string[]): Promise<string> {
    const result = await s.run(args)
    assert.equal(result.code, 0, `devtrace ${args.join(' ')}: ${result.stderr}`)
    assert.doesNotMatch(result.stdout, RAW_CONTROL, `devtrace ${args.join(' ')} printed a raw control character`)
    return result.stdout
  }

  test('status shows the focused app escaped', async () => {
    assert.match(await shown(['status']), new RegExp(`^app +${escape(APP_SHOWN)}$`, 'm'))
  })

  test('inspect shows the app escaped in every row', async () => {
    const lines = (await shown(['inspect', '--kind', 'key_down'])).trim().split('\n')
    assert.equal(lines.length, 3)
    for (const line of lines.slice(1)) assert.ok(line.trimEnd().endsWith(APP_SHOWN), line)
  })

  test('summarize --by app shows the group escaped', async () => {
    assert.match(await shown(['summarize', '--by', 'app']), new RegExp(`^ +${escape(APP_SHOWN)} +`, 'm'))
  })

  test('query tables show app and title escaped, one line per row', async () => {
    const lines = (await shown(['query', 'SELECT app, title FROM windows WHERE app IS NOT NULL ORDER BY ts LIMIT 1'])).trim().split('\n')
    assert.equal(lines.length, 2)
    assert.match(lines[1], new RegExp(`^${escape(APP_SHOWN)} +${escape(TITLE_SHOWN)}$`))
  })

  test('--json stays exact: status, inspect and query', async () => {
    const status = JSON.parse((await s.run(['status', '--json'])).stdout) as {app: string}
    assert.equal(status.app, APP)
    const events = JSON.parse((await s.run(['inspect', '--kind', 'key_down', '--json'])).stdout) as Array<{app: string}>
    assert.deepEqual(events.map(event => event.app), [APP, APP])
    const windows = JSON.parse((await s.run(['query', 'SELECT app, title FROM windows WHERE app IS NOT NULL ORDER BY ts LIMIT 1', '--json'])).stdout) as unknown[]
    assert.deepEqual(windows, [{app: APP, title: TITLE}])
    const csv = (await s.run(['query', 'SELECT app FROM events LIMIT 1', '--csv'])).stdout
    assert.equal(csv, `app\n${APP}\n`)
  })

  test('an error message quoting the app name shows it escaped; with --json it is exact', async () => {
    const sql = 'SELECT CAST(app AS INTEGER) FROM events'
    const failed = await s.run(['query', sql])
    assert.equal(failed.code, 1)
    assert.doesNotMatch(failed.stderr, RAW_CONTROL)
    assert.ok(oneLine(failed.stderr).includes(APP_SHOWN), failed.stderr)
    const json = await s.run(['query', sql, '--json'])
    assert.equal(json.code, 1)
    assert.ok((JSON.parse(json.stdout) as {error: {message: string}}).error.message.includes(APP))
  })

  test('inspect --follow shows new events with the app escaped', async () => {
    const child = spawn(process.execPath, [BIN, 'inspect', '--follow', '--kind', 'key_down'], {env: s.env})
    let out = ''
    child.stdout.on('data', chunk => {
      out += chunk
    })
    try {
      // The header is printed once the daemon has the subscription.
      await waitFor(() => out.startsWith('time'), 'the follow header')
      xdotool(display.display, 'type', '--delay', '5', 'c')
      await waitFor(() => out.trim().split('\n').length >= 2, 'a followed key press')
      assert.doesNotMatch(out, RAW_CONTROL)
      assert.ok(out.trim().split('\n')[1].endsWith(APP_SHOWN), out)
    } finally {
      child.kill('SIGINT')
    }
  })
})
