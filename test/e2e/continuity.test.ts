import assert from 'node:assert/strict'
import {existsSync, readFileSync} from 'node:fs'
import path from 'node:path'
import {describe, test} from 'node:test'

import {waitFor} from '../helpers/cli.js'
import {queryFile, writeFile as writeDatabase} from '../helpers/db.js'
import {usePrivateDisplay} from '../helpers/display-suite.js'
import {statusOf} from '../helpers/status.js'
import {e2eSkipReason, xdotool} from '../helpers/xvfb.js'

const skip = e2eSkipReason()

describe('continuity: parallel starts, restarts, rewrites', {skip}, () => {
  const x = usePrivateDisplay()
  const {sandbox} = x

  test('eight starts at once: one daemon, every start exits 0 and names its pid', async () => {
    const s = sandbox()
    const results = await Promise.all(Array.from({length: 8}, () => s.run(['start', '--json'])))
    for (const result of results) assert.equal(result.code, 0, `exit ${result.code}: ${result.stderr}`)
    const outputs = results.map(result => JSON.parse(result.stdout) as {pid: number; already_running: boolean})
    const live = await statusOf(s)
    assert.equal(live.running, true)
    assert.deepEqual(new Set(outputs.map(output => output.pid)), new Set([live.pid]))
    assert.equal(outputs.filter(output => !output.already_running).length, 1)
    // Without --json the losers say so in words.
    const again = await Promise.all(Array.from({length: 3}, () => s.run(['start'])))
    for (const result of again) {
      assert.equal(result.code, 0, result.stderr)
      assert.equal(result.stdout.trim(), `devtrace is already running (pid ${live.pid}).`)
    }

    assert.equal((await s.run(['stop'])).code, 0)
  })
  test('kill -9 during a forget rewrite: every key typed before the last flush is kept, the range is untouched', async () => {
    const s = sandbox()
    const file = path.join(s.home, 'devtrace.duckdb')
    await s.run(['config', 'set', 'flush_ms', '200'])
    assert.equal((await s.run(['start'])).code, 0)
    assert.equal((await s.run(['stop'])).code, 0)
    // Enough old data that rewriting it takes a while: 3 M mouse moves in January 2020.
    const planted = 3_000_000
    await writeDatabase(file, `INSERT INTO events (ts, session_id, kind, x, y, app)
      SELECT make_timestamp(1577836800000000 + i * 1000), 1, 'mouse_move', i % 1920, i % 1080, 'code' FROM range(${planted}) t(i)`)
    const start = await s.run(['start', '--json'])
    assert.equal(start.code, 0, start.stderr)
    const {pid} = JSON.parse(start.stdout) as {pid: number}

    const forget = s.run(['forget', '--since', '2020-01-01T00:00Z', '--until', '2020-01-01T00:10Z', '--yes', '--json'])
    const rewriting = `${file}.rewrite`
    await waitFor(() => existsSync(rewriting), 'the rewrite to begin', 60_000)
    xdotool(x.display, 'type', '--delay', '5', 'abcdefghij')
    const spool = `${file}.spool`
    const lines = (): number => (existsSync(spool) ? readFileSync(spool, 'utf8').split('\n').filter(Boolean).length : 0)
    await waitFor(() => lines() === 20, 'the 20 key events in the spool')
    assert.ok(existsSync(rewriting), 'the rewrite finished before the kill: plant more rows so it runs longer')
    process.kill(pid, 'SIGKILL')
    const interrupted = await forget
    assert.equal(interrupted.code, 1, interrupted.stdout)
    await waitFor(async () => (await statusOf(s)).running === false, 'the killed daemon to be gone')

    assert.equal((await s.run(['start'])).code, 0)
    assert.equal((await s.run(['stop'])).code, 0)
    const rows = await queryFile(file, `SELECT kind, count(*)::INTEGER AS n FROM events WHERE ts > TIMESTAMP '2021-01-01'
      GROUP BY kind ORDER BY kind`)
    assert.deepEqual(rows, [{kind: 'key_down', n: 10}, {kind: 'key_up', n: 10}])
    assert.deepEqual(await queryFile(file, 'SELECT count(*)::INTEGER AS n FROM events WHERE ts < TIMESTAMP \'2021-01-01\''), [{n: planted}])
    assert.equal(existsSync(spool), false)
    assert.match(readFileSync(path.join(s.home, 'logs', 'daemon.log'), 'utf8'), /replayed 20 events spooled during an interrupted rewrite/)
  })
})
