import assert from 'node:assert/strict'
import net from 'node:net'
import {describe, it} from 'node:test'

import {assertCaptureAvailable, parseDisplay} from '../../src/capture/availability.js'
import {DevtraceError} from '../../src/core/errors.js'

/** Resolves to the error assertCaptureAvailable rejects with; fails the test if it resolves. */
async function rejection(env: NodeJS.ProcessEnv): Promise<DevtraceError> {
  try {
    await assertCaptureAvailable(env)
  } catch (error) {
    assert.ok(error instanceof DevtraceError, `expected a DevtraceError, got ${String(error)}`)
    assert.equal(error.exitCode, 1)
    return error
  }

  assert.fail(`assertCaptureAvailable(${JSON.stringify(env)}) should have been refused`)
}

function listen(server: net.Server, options: net.ListenOptions): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject)
    server.listen(options, () => resolve())
  })
}

function close(server: net.Server): Promise<void> {
  return new Promise(resolve => {
    server.close(() => resolve())
  })
}

describe('availability', () => {
  describe('parseDisplay', () => {
    it('maps local display names to the X socket', () => {
      assert.deepEqual(parseDisplay(':0'), {path: '/tmp/.X11-unix/X0'})
      assert.deepEqual(parseDisplay('unix:1'), {path: '/tmp/.X11-unix/X1'})
      assert.deepEqual(parseDisplay(':2.0'), {path: '/tmp/.X11-unix/X2'})
      assert.deepEqual(parseDisplay(':12'), {path: '/tmp/.X11-unix/X12'})
    })

    it('maps host:N to TCP port 6000+N', () => {
      assert.deepEqual(parseDisplay('host:10.0'), {host: 'host', port: 6010})
      assert.deepEqual(parseDisplay('localhost:0'), {host: 'localhost', port: 6000})
      assert.deepEqual(parseDisplay('10.1.2.3:3'), {host: '10.1.2.3', port: 6003})
    })

    it('rejects garbage', () => {
      for (const text of ['', 'garbage', '0', ':', ':x', 'host:', ':0.', ':0.x', ':1:2', 'a b:0.0.0']) {
        assert.equal(parseDisplay(text), undefined, JSON.stringify(text))
      }
    })
  })

  // These are the Linux checks (elsewhere assertCaptureAvailable leaves it to the hook); unit tests run on Linux.
  describe('assertCaptureAvailable', () => {
    it('refuses without DISPLAY, saying there is no X display', async () => {
      const error = await rejection({})
      assert.equal(error.message, 'There is no X display (DISPLAY is not set), so there is no input to capture.')
      assert.equal(error.suggestion, 'Run devtrace from your desktop session, or set DISPLAY (for example DISPLAY=:0).')
      assert.match((await rejection({DISPLAY: ''})).message, /no X display/)
    })

    it('explains a Wayland session without X access', async () => {
      const error = await rejection({WAYLAND_DISPLAY: 'wayland-0'})
      assert.match(error.message, /Wayland/)
      assert.match(error.message, /WAYLAND_DISPLAY is set, DISPLAY is not/)
      assert.match(error.suggestion ?? '', /XWayland/)
    })

    it('refuses a DISPLAY that is not a display name', async () => {
      const error = await rejection({DISPLAY: 'garbage'})
      assert.equal(error.message, 'There is no usable X display (DISPLAY=garbage is not a display name).')
    })

    it('refuses a local display number nothing listens on', async () => {
      const error = await rejection({DISPLAY: ':987'})
      assert.equal(error.message, 'There is no X display at DISPLAY=:987 (nothing answers there).')
    })

    it('refuses a TCP display nothing listens on', async () => {
      // Take a free port, then close it so nothing listens there.
      const server = net.createServer()
      await listen(server, {host: '127.0.0.1', port: 0})
      const {port} = server.address() as net.AddressInfo
      await close(server)
      const display = `127.0.0.1:${port - 6000}`
      const error = await rejection({DISPLAY: display})
      assert.equal(error.message, `There is no X display at DISPLAY=${display} (nothing answers there).`)
    })

    it('accepts a TCP display that answers', async () => {
      const server = net.createServer(socket => socket.destroy())
      await listen(server, {host: '127.0.0.1', port: 0})
      try {
        const {port} = server.address() as net.AddressInfo
        assert.ok(port > 6000, `ephemeral port ${port}`)
        await assertCaptureAvailable({DISPLAY: `127.0.0.1:${port - 6000}.0`})
      } finally {
        await close(server)
      }
    })

    it('accepts a local display whose abstract X socket answers', async () => {
      // Linux X servers also listen on the abstract socket "\0/tmp/.X11-unix/X<n>"; listening there
      // needs no file and touches no real display.
      const number = 9000 + (process.pid % 900)
      const server = net.createServer(socket => socket.destroy())
      await listen(server, {path: `\0/tmp/.X11-unix/X${number}`})
      try {
        await assertCaptureAvailable({DISPLAY: `:${number}`})
        await assertCaptureAvailable({DISPLAY: `unix:${number}.0`})
      } finally {
        await close(server)
      }

      const error = await rejection({DISPLAY: `:${number}`})
      assert.equal(error.message, `There is no X display at DISPLAY=:${number} (nothing answers there).`)
    })
  })
})
