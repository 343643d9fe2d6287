import assert from 'node:assert/strict'
import {type ChildProcess, spawn} from 'node:child_process'
import {once} from 'node:events'
import {readFileSync} from 'node:fs'
import path from 'node:path'
import {after, describe, test} from 'node:test'

import {processGone} from '../../src/daemon/process-gone.js'
import {
  BIN, oneLine, type Sandbox, sleep, waitFor,
} from '../helpers/cli.js'
import {queryFile} from '../helpers/db.js'
import {usePrivateDisplay} from '../helpers/display-suite.js'
import {e2eSkipReason, xdotool} from '../helpers/xvfb.js'

const skip = e2eSkipReason()

/** Hours of work for one core: it only ends when something interrupts it. */
const ENDLESS = 'select sum(hash(i)) from range(20000000000) t(i)'
/** Generous bounds for "eventually" on a busy shared machine; they guard against hangs, not speed. */
const PATIENCE_MS = 120_000

describe('abandoned and oversized queries on a running daemon', {skip}, () => {
  const x = usePrivateDisplay()
  const launched: ChildProcess[] = []
  // A failed test must not leave a query client (and so a busy daemon) behind.
  after(() => {
    for (const child of launched) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL')
  })

  async function status(s: Sandbox): Promise<Record<string, unknown>> {
    const result = await s.run(['status', '--json'])
    assert.equal(result.code, 0, result.stderr)
    return JSON.parse(result.stdout) as Record<string, unknown>
  }

  /** A CLI process the test controls (to Ctrl-C it, or stop reading its output). */
  function launch(s: Sandbox, args: string[]): {child: ChildProcess; stdout: () => string; stderr: () => string; exited: Promise<[null | number, NodeJS.Signals | null]>} {
    const child = spawn(process.execPath, [BIN, ...args], {env: s.env, stdio: ['ignore', 'pipe', 'pipe']})
    launched.push(child)
    let stdout = ''
    let stderr = ''
    child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk
    })
    child.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk
    })
    const exited = once(child, 'exit') as Promise<[null | number, NodeJS.Signals | null]>
    return {
      child, exited, stdout: () => stdout, stderr: () => stderr,
    }
  }

  /** The daemon's CPU time so far, in clock ticks (user + system). */
  function cpuTicks(pid: number): number {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
    return Number(fields[11]) + Number(fields[12])
  }

  async function startedDaemon(s: Sandbox): Promise<number> {
    const start = await s.run(['start'])
    assert.equal(start.code, 0, start.stderr)
    return Number((await status(s)).pid)
  }

  /** Until the daemon runs `count` queries. */
  async function queriesRunning(s: Sandbox, count: number): Promise<void> {
    await waitFor(async () => (await status(s)).queries_running === count, `the daemon to run ${count} queries`, PATIENCE_MS)
  }

  /** Until the daemon uses most of a core over a second (the query is computing). */
  async function daemonBusy(pid: number): Promise<void> {
    await waitFor(async () => {
      const before = cpuTicks(pid)
      await sleep(1000)
      return cpuTicks(pid) - before >= 30
    }, 'the query to keep the daemon busy', PATIENCE_MS)
  }

  /** Until the daemon uses less than a tenth of a core over a second. */
  async function daemonIdle(pid: number): Promise<void> {
    await waitFor(async () => {
      const before = cpuTicks(pid)
      await sleep(1000)
      return cpuTicks(pid) - before < 10
    }, 'the daemon to be idle again', PATIENCE_MS)
  }

  test('Ctrl-C on a running query interrupts it in the daemon, which is idle again', async () => {
    const s = x.sandbox()
    const pid = await startedDaemon(s)
    const query = launch(s, ['query', ENDLESS])
    await daemonBusy(pid)
    query.child.kill('SIGINT')
    await query.exited
    // The old daemon computed on for hours after its client had gone.
    await daemonIdle(pid)
    await queriesRunning(s, 0)
    assert.equal((await s.run(['stop'])).code, 0)
  })

  test('--timeout stops a long query with one sentence, and the daemon goes on', async () => {
    const s = x.sandbox()
    const pid = await startedDaemon(s)
    const result = await s.run(['query', '--timeout', '1s', ENDLESS], {timeoutMs: PATIENCE_MS})
    assert.equal(result.code, 1, result.stderr)
    assert.equal(result.stdout, '')
    assert.match(oneLine(result.stderr), /The query ran past its time limit of 1 second and was stopped\. Try this: Give it longer with --timeout/)
    assert.equal((await status(s)).queries_running, 0)
    await daemonIdle(pid)
    const again = await s.run(['query', '--timeout', '30', 'select 42 as answer', '--json'])
    assert.equal(again.code, 0, again.stderr)
    assert.deepEqual(JSON.parse(again.stdout), [{answer: 42}])
  })

  test('a bad --timeout is a usage error', async () => {
    const s = x.sandbox()
    const result = await s.run(['query', '--timeout', 'soon', 'select 1'])
    assert.equal(result.code, 2)
    assert.match(oneLine(result.stderr), /--timeout "soon" is not a duration/)
  })

  test('stop during a running query ends the process before it says stopped, and start works at once', async () => {
    const s = x.sandbox()
    xdotool(x.display, 'key', 'a') // nothing yet: the daemon is not running
    const pid = await startedDaemon(s)
    const query = launch(s, ['query', ENDLESS])
    await daemonBusy(pid)
    xdotool(x.display, 'type', '--delay', '5', 'kept')
    const stop = await s.run(['stop'], {timeoutMs: PATIENCE_MS})
    assert.equal(stop.code, 0, stop.stderr)
    assert.match(stop.stdout, new RegExp(`devtrace stopped \\(pid ${pid}\\)`))
    // The old daemon said "stopped" here while it kept computing and holding the file.
    assert.ok(processGone(pid), `the daemon (pid ${pid}) is gone once stop has returned`)
    const [code] = await query.exited
    assert.equal(code, 1)
    assert.match(oneLine(query.stderr()), /The query was stopped because the devtrace daemon is stopping/)
    const rows = await queryFile(path.join(s.home, 'devtrace.duckdb'), 'SELECT count(*)::INTEGER AS n FROM events WHERE kind = \'key_down\'')
    assert.equal(rows[0].n, 4, 'the keys typed before stop are on disk')
    const start = await s.run(['start'])
    assert.equal(start.code, 0, start.stderr)
    assert.match(start.stdout, /capturing/)
  })

  test('the table view prints its first rows while the query runs, and stops it when the reader goes away', async () => {
    const s = x.sandbox()
    const pid = await startedDaemon(s)
    // Rows of ~400 bytes: the table view's 10,000 rows (4 MB) cannot all fit in the pipe and
    // stream buffers, so once this test stops reading, the client blocks before it reaches its
    // row limit (which would end the query by itself) and the query stays running.
    const query = launch(s, ['query', 'select i, repeat(\'-\', 400) as pad from range(300000000) t(i)'])
    query.child.stdout!.once('data', () => query.child.stdout!.pause())
    await waitFor(() => query.stdout().split('\n').length > 3, 'the first rows', PATIENCE_MS)
    const lines = query.stdout().split('\n').slice(0, 3).map(line => line.trim().split(/\s+/))
    assert.deepEqual(lines.map(cells => cells[0]), ['i', '0', '1'])
    assert.equal(lines[0][1], 'pad')
    assert.equal(lines[1][1], '-'.repeat(400))
    // Rows arrived while the daemon is still producing them (the old client printed only after all 300 M).
    assert.equal((await status(s)).queries_running, 1)
    query.child.stdout!.destroy() // like `| head` exiting
    const [code] = await query.exited
    assert.equal(code, 0, query.stderr())
    await queriesRunning(s, 0)
    await daemonIdle(pid)
  })
})

describe('a query over the daemon\'s memory limit', {skip}, () => {
  const x = usePrivateDisplay()

  test('fails with one sentence while capture goes on, every typed key counted', async () => {
    const s = x.sandbox()
    s.env.DEVTRACE_DAEMON_MEMORY = '64MB'
    const start = await s.run(['start'])
    assert.equal(start.code, 0, start.stderr)
    xdotool(x.display, 'type', '--delay', '5', 'abc')
    // A list of 30 M numbers needs ~240 MB and cannot spill to disk.
    const query = s.run(['query', 'select len(list(i)) as n from range(30000000) t(i)'], {timeoutMs: PATIENCE_MS})
    xdotool(x.display, 'type', '--delay', '20', 'during')
    const result = await query
    assert.equal(result.code, 1, result.stderr)
    assert.match(oneLine(result.stderr), /The query needed more memory than devtrace lets a query use and was stopped; capture was not affected\./)
    xdotool(x.display, 'type', '--delay', '5', 'after')
    const fine = await s.run(['query', 'select count(*) as n from range(1000)', '--json'])
    assert.equal(fine.code, 0, fine.stderr)
    const stop = await s.run(['stop'])
    assert.equal(stop.code, 0, stop.stderr)
    const rows = await queryFile(path.join(s.home, 'devtrace.duckdb'), 'SELECT count(*) FILTER (kind = \'key_down\')::INTEGER AS down, count(*) FILTER (kind = \'key_up\')::INTEGER AS up FROM events')
    assert.deepEqual(rows, [{down: 3 + 6 + 5, up: 3 + 6 + 5}])
  })
})
