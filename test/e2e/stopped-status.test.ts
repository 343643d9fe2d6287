import assert from 'node:assert/strict'
import {
  existsSync, readFileSync, rmSync, statSync, writeFileSync,
} from 'node:fs'
import path from 'node:path'
import {describe, test} from 'node:test'

import {BIN, type Sandbox} from '../helpers/cli.js'
import {queryFile} from '../helpers/db.js'
import {usePrivateDisplay} from '../helpers/display-suite.js'
import {e2eSkipReason, xdotool} from '../helpers/xvfb.js'

const skip = e2eSkipReason()
const TRACE = path.join(path.dirname(BIN), '..', 'test', 'helpers', 'module-trace.mjs')

/**
 * With the daemon stopped, `status` says the total from the note the daemon wrote when it stopped
 * (src/store/stopped-totals.ts), without loading DuckDB, as long as the file is as the note
 * describes; otherwise it counts the file as before.
 */
describe('status with the daemon stopped, on a real database', {skip}, () => {
  const x = usePrivateDisplay()

  /**
   * `status --json` in a traced process: what it said, and whether it opened the database (the
   * trace sees ES modules: the one that opens the file offline, which loads DuckDB with require()).
   */
  async function tracedStatus(s: Sandbox, name: string): Promise<{opened: boolean; total: number}> {
    const out = path.join(s.home, `trace-${name}.txt`)
    const result = await s.run(['status', '--json'], {env: {DEVTRACE_MODULE_TRACE: out, NODE_OPTIONS: `--import ${TRACE}`}})
    assert.equal(result.code, 0, result.stderr)
    const status = JSON.parse(result.stdout) as {events_total: number; running: boolean}
    assert.equal(status.running, false)
    const urls = readFileSync(out, 'utf8').split('\n')
    return {opened: urls.some(url => url.endsWith('/dist/store/offline.js')), total: status.events_total}
  }

  test('the total noted at stop is used while the file is unchanged, and counted again once it is not', async () => {
    const s = x.sandbox()
    const database = path.join(s.home, 'devtrace.duckdb')
    const note = path.join(s.home, 'stopped-totals.json')
    assert.equal((await s.run(['start'])).code, 0)
    xdotool(x.display, 'type', '--delay', '5', 'hello')
    const stop = await s.run(['stop'])
    assert.equal(stop.code, 0, stop.stderr)
    const counted = Number((await queryFile(database, 'SELECT count(*)::INTEGER AS n FROM events'))[0].n)
    assert.equal(counted, 10)
    assert.ok(existsSync(note), 'the daemon noted the total when it stopped')

    assert.deepEqual(await tracedStatus(s, 'noted'), {opened: false, total: 10})

    // A note for the file as it is is believed (so the line above did not count), …
    const {mtimeMs, size} = statSync(database)
    writeFileSync(note, JSON.stringify({events_total: 12_345, database_bytes: size, mtime_ms: mtimeMs}))
    assert.deepEqual(await tracedStatus(s, 'believed'), {opened: false, total: 12_345})

    // … one for another state of the file is not: status counts, and notes the count.
    writeFileSync(note, JSON.stringify({events_total: 12_345, database_bytes: size, mtime_ms: mtimeMs - 1000}))
    assert.deepEqual(await tracedStatus(s, 'stale'), {opened: true, total: 10})
    assert.deepEqual(await tracedStatus(s, 'renoted'), {opened: false, total: 10})

    // No note (an older devtrace, a crash): counted, as before.
    rmSync(note)
    assert.deepEqual(await tracedStatus(s, 'none'), {opened: true, total: 10})

    // A new run changes the file; its stop notes the new total.
    assert.equal((await s.run(['start'])).code, 0)
    xdotool(x.display, 'type', '--delay', '5', 'ab')
    assert.equal((await s.run(['stop'])).code, 0)
    assert.deepEqual(await tracedStatus(s, 'second-run'), {opened: false, total: 14})
  })
})
