import assert from 'node:assert/strict'
import {readFileSync} from 'node:fs'
import path from 'node:path'
import {describe, test} from 'node:test'

import type {Sandbox} from '../helpers/cli.js'

import {LocalAccess} from '../../src/store/local-access.js'
import {waitFor} from '../helpers/cli.js'
import {usePrivateDisplay} from '../helpers/display-suite.js'
import {statusOf} from '../helpers/status.js'
import {typingDays} from '../helpers/typist.js'
import {e2eSkipReason, xdotool} from '../helpers/xvfb.js'

const skip = e2eSkipReason()
const DAY_MS = 86_400_000

interface Entry {
  profile: string
  signals: Record<string, boolean>
  reidentification: {rate: null | number; chance: number; days: number; test_days: number; features: number; crowd: number; seed: number}
}

/**
 * Four days of one typist at level full, planted in a fresh database file: the last four days at
 * 09:00 UTC, recent enough that the daemon's retention (90 days) keeps them.
 */
async function plant(file: string): Promise<void> {
  const access = await LocalAccess.open(file)
  const connection = await access.connect()
  try {
    const today = Math.floor(Date.now() / DAY_MS) * DAY_MS
    const rows = typingDays(4, {
      level: 'full', pressesPerDay: 600, seed: 7, startMicros: (today - (5 * DAY_MS) + (9 * 3_600_000)) * 1000,
    })
    for (let start = 0; start < rows.length; start += 2000) await connection.run(`INSERT INTO events_live VALUES ${rows.slice(start, start + 2000).join(',\n')}`)
  } finally {
    connection.closeSync()
    access.close()
  }
}

async function exposure(s: Sandbox, args: string[] = []): Promise<Entry[]> {
  const result = await s.run(['exposure', '--json', ...args])
  assert.equal(result.code, 0, result.stderr)
  return (JSON.parse(result.stdout) as {exposure: Entry[]}).exposure
}

const on = (entry: Entry): string[] => Object.entries(entry.signals).filter(([, value]) => value).map(([name]) => name)

describe('devtrace exposure and the export preview line, on a private X display', {skip}, () => {
  const x = usePrivateDisplay()

  test('a known database: each profile exposes what its output carries, the same through the file and the daemon', async () => {
    const s = x.sandbox()
    await plant(path.join(s.home, 'devtrace.duckdb'))

    const viaFile = await exposure(s)
    assert.deepEqual(viaFile.map(entry => entry.profile), ['none', 'keys', 'coarse', 'aggregate'])
    const [none, keys, coarse, aggregate] = viaFile
    assert.deepEqual(on(none), ['text', 'key_identity', 'rhythm_fingerprint', 'hold_flight', 'app_timeline', 'working_hours', 'mouse_path', 'click_positions'])
    assert.deepEqual(on(keys), ['rhythm_fingerprint', 'hold_flight', 'app_timeline', 'working_hours', 'mouse_path', 'click_positions'])
    assert.deepEqual(on(coarse), ['rhythm_fingerprint', 'app_timeline', 'working_hours', 'mouse_path', 'click_positions'])
    assert.deepEqual(on(aggregate), ['working_hours'])
    assert.deepEqual({...none.reidentification, rate: undefined, features: undefined}, {
      rate: undefined, chance: 0.01, days: 4, test_days: 2, features: undefined, crowd: 99, seed: 13,
    })
    assert.ok((none.reidentification.rate ?? 0) > none.reidentification.chance, `raw: ${JSON.stringify(none.reidentification)}`)
    assert.equal(aggregate.reidentification.features, 0)
    assert.equal(aggregate.reidentification.rate, aggregate.reidentification.chance)

    // Another seed draws another crowd; the same seed the same rates.
    assert.deepEqual(await exposure(s, ['--seed', '13']), viaFile)

    assert.equal((await s.run(['start'])).code, 0)
    assert.deepEqual(await exposure(s), viaFile)

    // export --redact prints one line with the exposure of what it writes (stderr: beside --json too).
    const aggregateOut = await s.run(['export', '--out', path.join(s.home, 'minutes.json'), '--redact', 'aggregate'])
    assert.equal(aggregateOut.code, 0, aggregateOut.stderr)
    const lines = aggregateOut.stderr.split('\n').filter(line => line.startsWith('Exposure'))
    assert.deepEqual(lines, [
      'Exposure of what this writes (aggregate): a recipient could compute working_hours; not text, key_identity, rhythm_fingerprint, hold_flight, '
      + 'app_timeline, mouse_path, click_positions; re-identification 1.0 % vs 1.0 % by chance (devtrace exposure explains)',
    ])
    const keysOut = await s.run(['export', '--out', path.join(s.home, 'keys.csv'), '--redact', 'keys', '--json'])
    assert.equal(keysOut.code, 0, keysOut.stderr)
    assert.equal((JSON.parse(keysOut.stdout) as {profile: string}).profile, 'keys')
    const keysLine = /^Exposure of what this writes \(keys\): a recipient could compute rhythm_fingerprint, hold_flight, [^;]+; not text, key_identity; re-identification \d+\.\d % vs 1\.0 %/m
    assert.match(keysOut.stderr, keysLine)
    // The upload preview carries the same line as its exposure row (a dry run sends nothing).
    const upload = await s.run(['upload', '--to', 'http://127.0.0.1:9/in', '--dry-run'])
    assert.equal(upload.code, 0, upload.stderr)
    assert.match(upload.stdout, /\n {2}exposure {5}a recipient could compute working_hours; not text, key_identity, [^\n]+ re-identification 1\.0 % vs 1\.0 % by chance/)
    const plain = await s.run(['export', '--out', path.join(s.home, 'all.csv')])
    assert.equal(plain.code, 0, plain.stderr)
    assert.doesNotMatch(plain.stderr, /Exposure/)

    // The report's section shows the same table: aggregate exposes working hours only and scores chance.
    const report = path.join(s.home, 'report.html')
    assert.equal((await s.run(['report', '--out', report])).code, 0)
    const html = readFileSync(report, 'utf8')
    const table = /<table class="data" id="table-exposure">.*?<\/table>/s.exec(html)?.[0] ?? ''
    assert.match(table, /<th>none \(raw\)<\/th><th>keys<\/th><th>coarse<\/th><th>aggregate<\/th>/)
    assert.match(table, /<code>text<\/code><br>[^<]*<\/td><td><strong>yes<\/strong><\/td><td class="empty">—<\/td><td class="empty">—<\/td><td class="empty">—<\/td><\/tr>/)
    assert.match(table, /<code>working_hours<\/code><br>[^<]*<\/td>(<td><strong>yes<\/strong><\/td>){4}<\/tr>/)
    assert.match(table, /<td>1\.0 % \(chance\)<\/td><\/tr><\/tbody>/)
    assert.equal((await s.run(['stop'])).code, 0)
  })

  test('real input at level full: raw data exposes text and key identity, keys does not; too little typing scores chance', async () => {
    const s = x.sandbox()
    await s.run(['config', 'set', 'flush_ms', '200'])
    assert.equal((await s.run(['start', '--level', 'full'])).code, 0)
    xdotool(x.display, 'type', '--delay', '60', 'hello world')
    xdotool(x.display, 'mousemove', '200', '300', 'mousemove', '600', '500', 'click', '1')
    await waitFor(async () => (await statusOf(s)).events_session as number >= 24, 'the typed keys and the click to be written', 20_000)
    assert.equal((await s.run(['stop'])).code, 0)

    const [none, keys, coarse, aggregate] = await exposure(s)
    assert.equal(none.signals.text, true)
    assert.equal(none.signals.key_identity, true)
    assert.equal(none.signals.hold_flight, true)
    assert.equal(none.signals.click_positions, true)
    assert.equal(keys.signals.text, false)
    assert.equal(keys.signals.key_identity, false)
    assert.equal(keys.signals.hold_flight, true)
    assert.equal(coarse.signals.hold_flight, false)
    assert.equal(coarse.signals.text, false)
    assert.deepEqual(on(aggregate), ['working_hours'])
    // Eleven presses make no usable day: nothing to measure, a recipient could only guess.
    for (const entry of [none, keys, coarse, aggregate]) assert.equal(entry.reidentification.rate, entry.reidentification.chance)
  })
})
