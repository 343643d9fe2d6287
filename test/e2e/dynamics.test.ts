import assert from 'node:assert/strict'
import {describe, test} from 'node:test'

import type {Summary} from '../../src/analysis/summary.js'

import {waitFor} from '../helpers/cli.js'
import {usePrivateDisplay} from '../helpers/display-suite.js'
import {statusOf} from '../helpers/status.js'
import {e2eSkipReason, xdotool} from '../helpers/xvfb.js'

const skip = e2eSkipReason()

describe('keystroke dynamics from real X input', {skip}, () => {
  const x = usePrivateDisplay()

  test('"the the" typed at level full: exact hold, flight and digraph counts, key pairs by name, the hour in the rhythm', async () => {
    const s = x.sandbox()
    await s.run(['config', 'set', 'flush_ms', '200'])
    assert.equal((await s.run(['start', '--level', 'full'])).code, 0)
    xdotool(x.display, 'type', '--delay', '80', 'the the')
    await waitFor(async () => (await statusOf(s)).events_session === 14, 'the fourteen key events to be written', 20_000)
    assert.equal((await s.run(['stop'])).code, 0)

    const result = await s.run(['summarize', '--json', '--by-key'])
    assert.equal(result.code, 0, result.stderr)
    const summary = JSON.parse(result.stdout) as Summary
    const {totals} = summary
    assert.equal(totals.keys, 7)
    // Seven releases with holds; every one but the first has a previous release to fly from.
    assert.equal(totals.hold_ms.count, 7)
    assert.equal(totals.flight_ms.count, 6)
    assert.ok(totals.hold_ms.p50! >= 0 && totals.hold_ms.p90! < 1000, JSON.stringify(totals.hold_ms))
    assert.ok(totals.flight_ms.p50! > 0 && totals.flight_ms.p90! < 2000, JSON.stringify(totals.flight_ms))
    const counts = (pairs: Summary['digraphs']): string[] => pairs.map(pair => `${pair.from}>${pair.to}:${pair.count}`)
    assert.deepEqual(counts(summary.digraphs), ['letter>letter:4', 'letter>space:1', 'space>letter:1'])
    assert.deepEqual(counts(summary.digraphs_by_key!), ['h>e:2', 't>h:2', 'e>space:1', 'space>t:1'])
    for (const pair of summary.digraphs) assert.ok(pair.p50_ms >= 0 && pair.p50_ms < 2000, JSON.stringify(pair))
    // All typed within a second or two: one local hour (two if the test straddles the hour).
    const typed = summary.rhythm.by_hour.filter(hour => hour.inter_key_p50_ms !== null)
    assert.ok(typed.length === 1 || typed.length === 2, JSON.stringify(summary.rhythm))
    assert.equal(summary.rhythm.by_hour.length, 24)
    for (const hour of typed) assert.ok(hour.hold_p50_ms !== null && hour.correction_ratio === 0, JSON.stringify(hour))

    const text = await s.run(['summarize', '--by-key'])
    assert.equal(text.code, 0, text.stderr)
    assert.match(text.stdout, /hold time\s+p50 \d+ ms/)
    assert.match(text.stdout, /Key pairs by key\n\s+h → e/)
  })

  test('two keys held at once at level standard: a negative flight, both holds, and no key pairs by key', async () => {
    const s = x.sandbox()
    await s.run(['config', 'set', 'flush_ms', '200'])
    assert.equal((await s.run(['start'])).code, 0)
    // j down, k down 100 ms later, j up 100 ms after that, k up: k's press comes ≥ 100 ms before j's release.
    const started = performance.now()
    xdotool(x.display, 'keydown', 'j', 'sleep', '0.1', 'keydown', 'k', 'sleep', '0.1', 'keyup', 'j', 'sleep', '0.1', 'keyup', 'k')
    const bound = performance.now() - started
    await waitFor(async () => (await statusOf(s)).events_session === 4, 'the four key events to be written', 20_000)
    assert.equal((await s.run(['stop'])).code, 0)

    const result = await s.run(['summarize', '--json', '--by-key'])
    assert.equal(result.code, 0, result.stderr)
    const summary = JSON.parse(result.stdout) as Summary
    assert.equal(summary.totals.hold_ms.count, 2)
    assert.ok(summary.totals.hold_ms.p50! >= 200, JSON.stringify(summary.totals.hold_ms))
    // One flight: k pressed (k's release − its hold) minus j's release. Receipt times and X server
    // times mix in it, so allow 50 ms either side of the bounds xdotool's sleeps and run time give.
    assert.equal(summary.totals.flight_ms.count, 1)
    const flight = summary.totals.flight_ms.p50!
    assert.ok(flight <= -100 + 50 && flight >= -bound - 50, `flight ${flight} ms (xdotool took ${bound.toFixed(0)} ms)`)
    assert.deepEqual(summary.digraphs.map(pair => [pair.from, pair.to, pair.count]), [['letter', 'letter', 1]])
    assert.deepEqual(summary.digraphs_by_key, [])
  })
})
