import assert from 'node:assert/strict'
import path from 'node:path'
import {describe, test} from 'node:test'

import {waitFor} from '../helpers/cli.js'
import {queryFile} from '../helpers/db.js'
import {usePrivateDisplay} from '../helpers/display-suite.js'
import {statusOf} from '../helpers/status.js'
import {e2eSkipReason, xdotool} from '../helpers/xvfb.js'

const skip = e2eSkipReason()

/** Runs one xdotool command line and returns how long it took, in ms: an upper bound for any hold inside it. */
function timedXdotool(display: string, ...args: string[]): number {
  const started = performance.now()
  xdotool(display, ...args)
  return performance.now() - started
}

describe('hold times and auto-repeat, from real X input', {skip}, () => {
  const x = usePrivateDisplay()

  test('a key held 300 ms, a key held past the repeat delay, three typed keys: one press and one release each, holds on the releases, no key codes at standard', async () => {
    const s = x.sandbox()
    await s.run(['config', 'set', 'flush_ms', '200'])
    assert.equal((await s.run(['start'])).code, 0)

    // One xdotool process per hold: the server stamps keydown and keyup at least `sleep` apart,
    // and at most the whole command's run time apart.
    const shortBound = timedXdotool(x.display, 'keydown', 'a', 'sleep', '0.3', 'keyup', 'a')
    // Xvfb repeats a held key after 660 ms, 25 times a second: 1.2 s gives about a dozen repeats.
    const longBound = timedXdotool(x.display, 'keydown', 's', 'sleep', '1.2', 'keyup', 's')
    xdotool(x.display, 'type', '--delay', '40', 'dfg')

    await waitFor(async () => (await statusOf(s)).events_session === 10, 'the ten key events to be written', 20_000)
    const status = await statusOf(s)
    assert.ok((status.key_repeats_skipped as number) > 0, `no repeats reached the hook: ${JSON.stringify(status)}`)
    assert.equal((await s.run(['stop'])).code, 0)

    const rows = await queryFile(path.join(s.home, 'devtrace.duckdb'), 'SELECT kind, key_code, key_class, hold_ms FROM events ORDER BY ts')
    assert.deepEqual(rows.map(row => row.kind), [
      'key_down', 'key_up', 'key_down', 'key_up', 'key_down', 'key_up', 'key_down', 'key_up', 'key_down', 'key_up',
    ])
    assert.ok(rows.every(row => row.key_code === null && row.key_class === 'letter'))
    assert.ok(rows.filter(row => row.kind === 'key_down').every(row => row.hold_ms === null))
    const holds = rows.filter(row => row.kind === 'key_up').map(row => row.hold_ms as number)
    assert.ok(holds[0] >= 300 && holds[0] <= shortBound, `held 0.3 s, stored ${holds[0]} ms (command took ${shortBound.toFixed(0)} ms)`)
    assert.ok(holds[1] >= 1200 && holds[1] <= longBound, `held 1.2 s, stored ${holds[1]} ms (command took ${longBound.toFixed(0)} ms)`)
    for (const hold of holds.slice(2)) assert.ok(Number.isInteger(hold) && hold >= 0 && hold < 1000, `typed key held ${hold} ms`)
  })

  test('minimal stores no hold times; full stores them beside the key code', async () => {
    for (const level of ['minimal', 'full'] as const) {
      const s = x.sandbox()
      assert.equal((await s.run(['start', '--level', level])).code, 0)
      xdotool(x.display, 'keydown', 'h', 'sleep', '0.1', 'keyup', 'h')
      await waitFor(async () => (await statusOf(s)).events_session === 2, 'both key events to be written', 20_000)
      assert.equal((await s.run(['stop'])).code, 0)
      const [release] = await queryFile(path.join(s.home, 'devtrace.duckdb'), 'SELECT key_code, hold_ms FROM events WHERE kind = \'key_up\'')
      if (level === 'minimal') assert.deepEqual(release, {key_code: null, hold_ms: null})
      else {
        assert.equal(release.key_code, 35) // uiohook's code for H
        assert.ok((release.hold_ms as number) >= 100, `held 0.1 s, stored ${release.hold_ms} ms`)
      }
    }
  })
})
