import assert from 'node:assert/strict'
import {existsSync, readFileSync} from 'node:fs'
import path from 'node:path'
import {describe, test} from 'node:test'

import {type Sandbox, waitFor} from '../helpers/cli.js'
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
    await writeDatabase(file, `INSERT INTO events_live (ts, session_id, kind, x, y, app)
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
    assert.match(readFileSync(path.join(s.home, 'logs', 'daemon.log'), 'utf8'), /replayed 20 events spooled during a rewrite \(0 already stored, 0 unreadable lines\)/)
  })

  async function startedPid(s: Sandbox): Promise<number> {
    const result = await s.run(['start', '--json'])
    assert.equal(result.code, 0, result.stderr)
    return (JSON.parse(result.stdout) as {pid: number}).pid
  }

  async function killed(s: Sandbox, pid: number): Promise<void> {
    process.kill(pid, 'SIGKILL')
    // Judged by the socket: the corpse may linger as a zombie for a moment.
    await waitFor(async () => (await statusOf(s)).running === false, 'the killed daemon to be gone')
  }

  async function keyCounts(s: Sandbox): Promise<Array<Record<string, unknown>>> {
    return queryFile(path.join(s.home, 'devtrace.duckdb'), 'SELECT session_id AS session, count(*)::INTEGER AS n FROM events GROUP BY ALL ORDER BY ALL')
  }

  test('pause --for survives kill -9: the restarted daemon records nothing until resume', async () => {
    const s = sandbox()
    const first = await startedPid(s)
    xdotool(x.display, 'type', '--delay', '5', 'ab')
    await waitFor(async () => (await statusOf(s)).events === 4, 'four events before the pause')
    const pause = await s.run(['pause', '--for', '10m', '--json'])
    assert.equal(pause.code, 0, pause.stderr)
    const resumesAt = (JSON.parse(pause.stdout) as {resumes_at: string}).resumes_at
    await killed(s, first)

    const restart = await s.run(['start'])
    assert.equal(restart.code, 0, restart.stderr)
    assert.match(restart.stdout, /It is paused, as before, until /)
    const paused = await statusOf(s)
    assert.equal(paused.paused, true)
    assert.equal(paused.resumes_at, resumesAt)
    xdotool(x.display, 'type', '--delay', '5', 'cdefg')
    await waitFor(async () => (await statusOf(s)).ignored_while_paused === 10, 'the ten key events to be ignored')
    assert.equal((await s.run(['resume'])).code, 0)
    xdotool(x.display, 'type', '--delay', '5', 'hi')
    await waitFor(async () => (await statusOf(s)).events === 4, 'the four events after resume')
    assert.equal((await s.run(['stop'])).code, 0)
    // Session 1 before the pause, session 2 after the resume; nothing typed while paused.
    assert.deepEqual(await keyCounts(s), [{session: 1, n: 4}, {session: 2, n: 4}])

    // Resumed is resumed for good: the next start records at once.
    await startedPid(s)
    assert.equal((await statusOf(s)).paused, false)
    assert.equal((await s.run(['stop'])).code, 0)
  })

  test('a pause until resumed outlives a stop and start; a timed one ends at its deadline after a restart', async () => {
    const s = sandbox()
    await startedPid(s)
    assert.equal((await s.run(['pause'])).code, 0)
    assert.equal((await s.run(['stop'])).code, 0)
    await startedPid(s)
    assert.deepEqual([(await statusOf(s)).paused, (await statusOf(s)).resumes_at], [true, null])
    xdotool(x.display, 'type', '--delay', '5', 'ab')
    await waitFor(async () => (await statusOf(s)).ignored_while_paused === 4, 'the four key events to be ignored')

    // Long enough for a kill and a start on a busy machine (12 s was not, at a load average of 12).
    const pause = await s.run(['pause', '--for', '40s', '--json'])
    assert.equal(pause.code, 0, pause.stderr)
    const {resumes_at: resumesAtText} = JSON.parse(pause.stdout) as {resumes_at: string}
    const resumesAt = Date.parse(resumesAtText)
    await killed(s, Number((await statusOf(s)).pid))
    await startedPid(s)
    const restarted = await statusOf(s)
    assert.deepEqual([restarted.paused, restarted.resumes_at], [true, resumesAtText])
    xdotool(x.display, 'type', '--delay', '5', 'ab')
    await waitFor(async () => (await statusOf(s)).ignored_while_paused === 4, 'the four key events to be ignored')
    await waitFor(async () => (await statusOf(s)).paused === false, 'the deadline to pass', 60_000)
    assert.ok(Date.now() >= resumesAt, 'not before its deadline')
    xdotool(x.display, 'type', '--delay', '5', 'c')
    await waitFor(async () => (await statusOf(s)).events === 2, 'the two events after the deadline')
    assert.equal((await s.run(['stop'])).code, 0)
    assert.deepEqual(await keyCounts(s), [{session: 3, n: 2}])
  })
})

