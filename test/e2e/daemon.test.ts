import {DuckDBInstance} from '@duckdb/node-api'
import assert from 'node:assert/strict'
import {existsSync} from 'node:fs'
import path from 'node:path'
import {
  describe, test,
} from 'node:test'

import {
  makeSandbox, oneLine, type Sandbox, sleep, waitFor,
} from '../helpers/cli.js'
import {queryFile} from '../helpers/db.js'
import {usePrivateDisplay} from '../helpers/display-suite.js'
import {
  e2eSkipReason, xdotool,
} from '../helpers/xvfb.js'

const skip = e2eSkipReason()

describe('capture daemon on a private X display', {skip}, () => {
  const x = usePrivateDisplay()
  const {sandbox} = x

  async function counts(s: Sandbox): Promise<Record<string, number>> {
    const rows = await queryFile(path.join(s.home, 'devtrace.duckdb'), 'SELECT kind, count(*)::INTEGER AS n FROM events GROUP BY kind')
    return Object.fromEntries(rows.map(row => [row.kind as string, row.n as number]))
  }

  async function status(s: Sandbox): Promise<Record<string, unknown>> {
    const result = await s.run(['status', '--json'])
    assert.equal(result.code, 0, result.stderr)
    return JSON.parse(result.stdout) as Record<string, unknown>
  }

  test('full level: typed text gives exactly one key_down and key_up per key, with key codes', async () => {
    const s = sandbox()
    const start = await s.run(['start', '--level', 'full'])
    assert.equal(start.code, 0, start.stderr)
    assert.match(start.stdout, /capturing \(pid \d+, level full\)/)
    assert.match(oneLine(start.stderr), /reconstruct what you typed/)
    xdotool(x.display, 'type', '--delay', '5', 'hello world')
    const stop = await s.run(['stop'])
    assert.equal(stop.code, 0, stop.stderr)
    assert.match(stop.stdout, /22 events recorded this session/)
    assert.deepEqual(await counts(s), {key_down: 11, key_up: 11})
    const rows = await queryFile(
      path.join(s.home, 'devtrace.duckdb'),
      'SELECT key_code::INTEGER AS code, key_class FROM events WHERE kind = \'key_down\' ORDER BY ts',
    )
    // h e l l o ␠ w o r l d in uiohook key codes.
    assert.deepEqual(rows.map(row => row.code), [35, 18, 38, 38, 24, 57, 17, 24, 19, 38, 32])
    assert.deepEqual(rows.map(row => row.key_class), [...Array.from({length: 5}).fill('letter'), 'space', ...Array.from({length: 5}).fill('letter')])
  })

  test('standard level (the default) stores key classes but never key codes', async () => {
    const s = sandbox()
    const start = await s.run(['start'])
    assert.equal(start.code, 0, start.stderr)
    assert.equal(start.stderr, '')
    xdotool(x.display, 'type', '--delay', '5', 'abc 12')
    assert.equal((await s.run(['stop'])).code, 0)
    const rows = await queryFile(
      path.join(s.home, 'devtrace.duckdb'),
      `SELECT count(*)::INTEGER AS n, count(key_code)::INTEGER AS with_code, list(key_class ORDER BY ts) AS classes
       FROM events WHERE kind = 'key_down'`,
    )
    assert.equal(rows[0].n, 6)
    assert.equal(rows[0].with_code, 0)
    assert.deepEqual(rows[0].classes, ['letter', 'letter', 'letter', 'space', 'digit', 'digit'])
    const sessions = await queryFile(path.join(s.home, 'devtrace.duckdb'), 'SELECT level, ended_at IS NOT NULL AS ended FROM sessions')
    assert.deepEqual(sessions, [{level: 'standard', ended: true}])
  })

  test('minimal level keeps time and kind only', async () => {
    const s = sandbox()
    assert.equal((await s.run(['start', '--level', 'minimal'])).code, 0)
    xdotool(x.display, 'type', '--delay', '5', 'xyz')
    xdotool(x.display, 'mousemove', '50', '60', 'click', '1')
    assert.equal((await s.run(['stop'])).code, 0)
    const rows = await queryFile(
      path.join(s.home, 'devtrace.duckdb'),
      'SELECT count(*)::INTEGER AS n, count(key_class)::INTEGER AS classes, count(x)::INTEGER AS positions, count(button)::INTEGER AS buttons FROM events',
    )
    assert.deepEqual(rows, [{
      n: 9, classes: 0, positions: 0, buttons: 0,
    }])
  })

  test('clicks, wheel and mouse moves are recorded with positions and buttons', async () => {
    const s = sandbox()
    assert.equal((await s.run(['start'])).code, 0)
    xdotool(x.display, 'mousemove', '100', '100')
    await sleep(50)
    xdotool(x.display, 'mousemove', '300', '200')
    await sleep(50)
    xdotool(x.display, 'click', '1')
    xdotool(x.display, 'click', '3')
    xdotool(x.display, 'click', '4')
    xdotool(x.display, 'click', '5')
    xdotool(x.display, 'click', '5')
    assert.equal((await s.run(['stop'])).code, 0)
    const file = path.join(s.home, 'devtrace.duckdb')
    assert.deepEqual(await counts(s), {
      mouse_move: 2, mouse_down: 2, mouse_up: 2, wheel: 3,
    })
    const moves = await queryFile(file, 'SELECT x, y FROM events WHERE kind = \'mouse_move\' ORDER BY ts')
    assert.deepEqual(moves, [{x: 100, y: 100}, {x: 300, y: 200}])
    const downs = await queryFile(file, 'SELECT x, y, button FROM events WHERE kind = \'mouse_down\' ORDER BY ts')
    assert.deepEqual(downs, [{x: 300, y: 200, button: 1}, {x: 300, y: 200, button: 2}])
    const wheel = await queryFile(file, 'SELECT wheel_direction AS d, wheel_amount AS a FROM events WHERE kind = \'wheel\' ORDER BY ts')
    assert.deepEqual(wheel, [{d: 'up', a: 1}, {d: 'down', a: 1}, {d: 'down', a: 1}])
  })

  test('nothing is recorded between pause and resume; status shows the pause', async () => {
    const s = sandbox()
    assert.equal((await s.run(['start'])).code, 0)
    xdotool(x.display, 'type', '--delay', '5', 'ab')
    const pause = await s.run(['pause'])
    assert.equal(pause.code, 0, pause.stderr)
    assert.equal((await status(s)).paused, true)
    xdotool(x.display, 'type', '--delay', '5', 'cdefg')
    xdotool(x.display, 'mousemove', '10', '10', 'click', '1')
    assert.equal((await s.run(['resume'])).code, 0)
    assert.equal((await status(s)).paused, false)
    xdotool(x.display, 'type', '--delay', '5', 'hi')
    assert.equal((await s.run(['stop'])).code, 0)
    assert.deepEqual(await counts(s), {key_down: 4, key_up: 4})
  })

  test('pause --for resumes by itself', async () => {
    const s = sandbox()
    assert.equal((await s.run(['start'])).code, 0)
    const pause = await s.run(['pause', '--for', '2s', '--json'])
    assert.equal(pause.code, 0, pause.stderr)
    const paused = JSON.parse(pause.stdout) as {paused: boolean; resumes_at: string}
    assert.equal(paused.paused, true)
    assert.ok(Date.parse(paused.resumes_at) > Date.now())
    xdotool(x.display, 'type', '--delay', '5', 'abc')
    await waitFor(async () => (await status(s)).paused === false, 'the timed pause to end', 5000)
    xdotool(x.display, 'type', '--delay', '5', 'de')
    assert.equal((await s.run(['stop'])).code, 0)
    assert.deepEqual(await counts(s), {key_down: 2, key_up: 2})
  })

  test('a second start says it is already running and exits 0; stop when stopped exits 0', async () => {
    const s = sandbox()
    const first = await s.run(['start', '--json'])
    assert.equal(first.code, 0, first.stderr)
    const {pid} = JSON.parse(first.stdout) as {pid: number}
    const second = await s.run(['start'])
    assert.equal(second.code, 0)
    assert.equal(second.stdout.trim(), `devtrace is already running (pid ${pid}).`)
    assert.equal((await s.run(['stop'])).code, 0)
    const again = await s.run(['stop'])
    assert.equal(again.code, 0)
    assert.equal(again.stdout.trim(), 'devtrace is not running.')
    assert.equal(existsSync(path.join(s.home, 'daemon.sock')), false)
    assert.equal(existsSync(path.join(s.home, 'daemon.pid')), false)
  })

  test('status --json has the contract keys, running and stopped', async () => {
    const s = sandbox()
    const stopped = await status(s)
    assert.equal(stopped.running, false)
    assert.equal(stopped.pid, null)
    assert.equal(stopped.events, 0)
    assert.equal((await s.run(['start', '--mouse-hz', '0'])).code, 0)
    xdotool(x.display, 'type', '--delay', '5', 'abc')
    const running = await waitFor(async () => {
      const current = await status(s)
      return current.events === 6 ? current : undefined
    }, 'six events flushed')
    assert.equal(running.running, true)
    assert.equal(typeof running.pid, 'number')
    assert.equal(running.level, 'standard')
    assert.equal(running.paused, false)
    assert.equal(running.mouse_hz, 0)
    assert.equal(running.dropped, 0)
    assert.equal(running.events_total, 6)
  })

  test('kill -9 loses nothing flushed, and a new start is not blocked by stale files', async () => {
    const s = sandbox()
    const start = await s.run(['start', '--json'])
    const {pid} = JSON.parse(start.stdout) as {pid: number}
    xdotool(x.display, 'type', '--delay', '5', 'abcd')
    await waitFor(async () => (await status(s)).events === 8, 'eight events flushed')
    process.kill(pid, 'SIGKILL')
    // The stale socket and pid files stay behind; the killed process may linger as a zombie.
    assert.equal(existsSync(path.join(s.home, 'daemon.sock')), true)
    const restart = await waitFor(async () => {
      const result = await s.run(['start', '--json'])
      return result.code === 0 && (JSON.parse(result.stdout) as {already_running: boolean}).already_running === false
        ? result
        : undefined
    }, 'a fresh start after kill -9')
    assert.notEqual((JSON.parse(restart.stdout) as {pid: number}).pid, pid)
    xdotool(x.display, 'type', '--delay', '5', 'ef')
    assert.equal((await s.run(['stop'])).code, 0)
    const file = path.join(s.home, 'devtrace.duckdb')
    const perSession = await queryFile(file, 'SELECT session_id, count(*)::INTEGER AS n FROM events GROUP BY 1 ORDER BY 1')
    assert.deepEqual(perSession, [{session_id: 1, n: 8}, {session_id: 2, n: 4}])
    const sessions = await queryFile(file, 'SELECT id, ended_at IS NOT NULL AS ended FROM sessions ORDER BY id')
    assert.deepEqual(sessions, [{id: 1, ended: true}, {id: 2, ended: true}])
  })

  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    test(`start --foreground runs in this process; ${signal} flushes and exits 0`, async () => {
      const s = sandbox()
      const {spawn} = await import('node:child_process')
      const {BIN} = await import('../helpers/cli.js')
      const child = spawn(process.execPath, [BIN, 'start', '--foreground'], {env: s.env, stdio: ['ignore', 'pipe', 'pipe']})
      let out = ''
      child.stdout.on('data', chunk => {
        out += chunk
      })
      const exited = new Promise<null | number>(resolve => {
        child.once('exit', code => resolve(code))
      })
      await waitFor(() => out.includes('capturing in the foreground'), 'foreground ready line')
      assert.equal((await status(s)).pid, child.pid)
      xdotool(x.display, 'type', '--delay', '5', 'abc')
      // No waiting for a flush: the signal handler itself must write what is buffered.
      child.kill(signal)
      assert.equal(await exited, 0)
      assert.deepEqual(await counts(s), {key_down: 3, key_up: 3})
      assert.equal(existsSync(path.join(s.home, 'daemon.sock')), false)
    })
  }

  test('state folder is 0700, database, socket and pid file 0600', async () => {
    const s = sandbox()
    assert.equal((await s.run(['start'])).code, 0)
    const {statSync} = await import('node:fs')
    const mode = (file: string): string => (statSync(file).mode & 0o777).toString(8)
    assert.equal(mode(s.home), '700')
    assert.equal(mode(path.join(s.home, 'logs')), '700')
    assert.equal(mode(path.join(s.home, 'devtrace.duckdb')), '600')
    assert.equal(mode(path.join(s.home, 'daemon.sock')), '600')
    assert.equal(mode(path.join(s.home, 'daemon.pid')), '600')
    assert.equal((await s.run(['stop'])).code, 0)
  })

  test('a database held by another program is one clear sentence and exit 1, nothing left running', async () => {
    const s = sandbox()
    const file = path.join(s.home, 'devtrace.duckdb')
    // Create the file, then hold its lock from a child process: "another program".
    const creator = await DuckDBInstance.create(file)
    creator.closeSync()
    const {spawn} = await import('node:child_process')
    const child = spawn(
      process.execPath,
      ['-e', `import('@duckdb/node-api').then(async (m) => { await m.DuckDBInstance.create(${JSON.stringify(file)}); console.log('held'); setInterval(() => {}, 1000) })`],
      {cwd: path.resolve('.'), stdio: ['ignore', 'pipe', 'inherit']},
    )
    try {
      await new Promise<void>(resolve => {
        child.stdout!.once('data', () => resolve())
      })
      const start = await s.run(['start'])
      assert.equal(start.code, 1)
      assert.match(oneLine(start.stderr), /devtrace\.duckdb is locked by another program \(pid \d+\)/)
      assert.doesNotMatch(start.stderr, /\n\s+at /)
      assert.equal((await status(s)).running, false)
    } finally {
      child.kill('SIGKILL')
    }
  })
})

describe('capture refuses clearly without a display', () => {
  test('no DISPLAY: one sentence, exit 1, nothing left running', async () => {
    const s = makeSandbox()
    try {
      const start = await s.run(['start'])
      assert.equal(start.code, 1)
      assert.match(oneLine(start.stderr), /There is no X display \(DISPLAY is not set\)/)
      assert.doesNotMatch(start.stderr, /\n\s+at /)
      assert.equal(existsSync(path.join(s.home, 'daemon.sock')), false)
      const status = JSON.parse((await s.run(['status', '--json'])).stdout) as {running: boolean}
      assert.equal(status.running, false)
    } finally {
      s.cleanup()
    }
  })

  test('a DISPLAY nothing answers on: exit 1 naming it', async () => {
    const s = makeSandbox(':987')
    try {
      const start = await s.run(['start'])
      assert.equal(start.code, 1)
      assert.match(oneLine(start.stderr), /no X display at DISPLAY=:987/)
    } finally {
      s.cleanup()
    }
  })

  test('Wayland without X access is explained', async () => {
    const s = makeSandbox()
    try {
      const start = await s.run(['start'], {env: {WAYLAND_DISPLAY: 'wayland-0'}})
      assert.equal(start.code, 1)
      assert.match(oneLine(start.stderr), /Wayland session without X access/)
    } finally {
      s.cleanup()
    }
  })
})
