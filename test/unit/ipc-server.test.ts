import assert from 'node:assert/strict'
import {mkdtempSync, rmSync} from 'node:fs'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'
import {
  after, before, describe, it,
} from 'node:test'

import {callDaemon} from '../../src/ipc/client.js'
import {MAX_CONNECTIONS, MAX_QUEUED_REQUESTS, MAX_TOTAL_PENDING_CHARS} from '../../src/ipc/limits.js'
import {MAX_LINE_BYTES} from '../../src/ipc/protocol.js'
import {type ControlServer, listen} from '../../src/ipc/server.js'
import {sleep, waitFor} from '../helpers/cli.js'

/** A real control server on a Unix socket, with handlers that count what they are asked. */
describe('control server under misbehaving clients', () => {
  let dir: string
  let socketPath: string
  let server: ControlServer
  let answered = 0

  before(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'devtrace-ipc-'))
    socketPath = path.join(dir, 'daemon.sock')
    server = await listen(socketPath, {
      async count() {
        answered++
        // A reply big enough that an unread socket fills up after a few hundred of them.
        return {answered, padding: 'x'.repeat(4096)}
      },
      ping: async () => ({answered}),
    }, () => {})
  })

  after(async () => {
    await server.close()
    rmSync(dir, {force: true, recursive: true})
  })

  const connect = (): Promise<net.Socket> =>
    new Promise((resolve, reject) => {
      const socket = net.createConnection(socketPath)
      socket.once('connect', () => resolve(socket))
      socket.once('error', reject)
    })

  const closed = (socket: net.Socket): Promise<void> =>
    new Promise(resolve => {
      if (socket.destroyed) resolve()
      else socket.once('close', () => resolve())
    })

  const paths = (): {socket: string} => ({socket: socketPath})

  /** Until the handlers have stopped being called (no new answer within 300 ms). */
  async function settled(): Promise<void> {
    let last = -1
    while (last !== answered) {
      last = answered
      await sleep(300)
    }
  }

  it('drops connections once unterminated input of all clients together passes its cap, and still serves others', async () => {
    // Each client stays under the per-line limit; together they are several times the total cap.
    const each = MAX_LINE_BYTES - 1024
    const clients = Math.ceil((MAX_TOTAL_PENDING_CHARS * 3) / each)
    const sockets = await Promise.all(Array.from({length: clients}, () => connect()))
    const cut: boolean[] = Array.from({length: clients}, () => false)
    const ended = sockets.map((socket, index) => {
      socket.on('error', () => {})
      return closed(socket).then(() => {
        cut[index] = true
      })
    })
    const chunk = 'a'.repeat(64 * 1024)
    for (const socket of sockets) {
      for (let sent = 0; sent + chunk.length <= each; sent += chunk.length) socket.write(chunk)
    }

    // Everything beyond what fits in the total budget is cut by the server (the old daemon kept
    // it all: 1,200 such clients grew it to 1.4 GB) …
    const allowed = Math.floor(MAX_TOTAL_PENDING_CHARS / (each - chunk.length))
    await waitFor(() => cut.filter(Boolean).length >= clients - allowed, 'the server to cut clients over the total budget', 60_000)
    // … and a well-behaved client is still answered.
    const reply = await callDaemon<{answered: number}>(paths() as never, 'ping')
    assert.ok(reply, 'a well-behaved client gets an answer')
    for (const socket of sockets) socket.destroy()
    await Promise.all(ended)
  })

  it('closes connections beyond the cap on open connections, and accepts again once they go', async () => {
    const sockets = await Promise.all(Array.from({length: MAX_CONNECTIONS + 20}, () => connect()))
    const cut = sockets.map(() => false)
    const ended = sockets.map((socket, index) => {
      socket.on('error', () => {})
      return closed(socket).then(() => {
        cut[index] = true
      })
    })
    await waitFor(() => cut.filter(Boolean).length >= 20, 'the server to close connections over the cap', 60_000)
    assert.equal(cut.filter(Boolean).length, 20)
    for (const socket of sockets) socket.destroy()
    await Promise.all(ended)
    await waitFor(async () => (await callDaemon<{answered: number}>(paths() as never, 'ping')) !== undefined, 'a new connection to be answered', 60_000)
  })

  it('reads no more from a client that pipelines requests without reading replies, and drops its queue when it leaves', async () => {
    const before = answered
    const socket = await connect()
    socket.on('error', () => {})
    socket.pause() // never read a reply
    const sent = 100_000
    let text = ''
    for (let id = 1; id <= sent; id++) text += `{"id":${id},"method":"count"}\n`
    socket.write(text)
    // Give the server time to answer everything it is willing to, then leave.
    await settled()
    const whileConnected = answered - before
    socket.destroy()
    await closed(socket)
    // Work queued for the closed connection is dropped: the count stays where it was.
    await settled()
    const total = answered - before
    assert.ok(whileConnected < sent / 10, `answered ${whileConnected} of ${sent} requests to a client that read none`)
    assert.ok(total - whileConnected <= MAX_QUEUED_REQUESTS * 2 + 4096, `answered ${total - whileConnected} more after it left`)
    assert.ok(total < sent / 10, `answered ${total} of ${sent} in all`)
  })
})
