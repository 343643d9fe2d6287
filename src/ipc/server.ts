import {existsSync, unlinkSync} from 'node:fs'
import net from 'node:net'

import {DevtraceError, errorMessage} from '../core/errors.js'
import {InputBudget, MAX_CONNECTIONS, MAX_QUEUED_REQUESTS} from './limits.js'
import {
  encode, LineSplitter, type MethodResult, type Reply, type Request, type StreamMethod, type UnaryMethod,
} from './protocol.js'

/** What a handler uses to answer: several messages for streams, with backpressure. */
export interface ReplyChannel {
  /** Resolves once the socket has room again, so a slow reader slows the producer down. */
  send(message: DistributiveOmit<Reply, 'id'>): Promise<void>
  /** True once the client has gone away; long-running handlers stop then. */
  readonly closed: boolean
  onClose(listener: () => void): void
}

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never

/** A handler either returns a value (sent as `result`) or streams through the channel and returns undefined. */
export type Handler = (params: Record<string, unknown>, channel: ReplyChannel) => Promise<unknown>

/**
 * The daemon's handlers, one per method of the protocol, each returning its method's result type.
 * Parameters arrive as the peer sent them: each handler checks what it reads.
 */
export type DaemonHandlers = {
  [M in StreamMethod]: (params: Record<string, unknown>, channel: ReplyChannel) => Promise<undefined | void>
} & {
  [M in UnaryMethod]: (params: Record<string, unknown>, channel: ReplyChannel) => Promise<MethodResult<M>>
}

export interface ControlServer {
  close(): Promise<void>
}

/**
 * Listen on the daemon's socket. The caller holds the database lock, so no other daemon can be
 * using this path: a socket file left behind by a crash is removed before listening. The socket
 * is created with mode 0600 (umask), inside a 0700 folder.
 */
export async function listen(socketPath: string, handlers: Record<string, Handler>, log: (line: string) => void): Promise<ControlServer> {
  if (process.platform !== 'win32' && existsSync(socketPath)) unlinkSync(socketPath)

  const sockets = new Set<net.Socket>()
  // Unterminated input of all connections together: many clients each just under the per-line
  // limit would otherwise add up to gigabytes.
  const budget = new InputBudget()
  const server = net.createServer(socket => {
    sockets.add(socket)
    socket.on('close', () => sockets.delete(socket))
    serveConnection(socket, {handlers, budget, log})
  })

  server.maxConnections = MAX_CONNECTIONS
  let lastDropLogged = 0
  server.on('drop', () => {
    // One line a minute at most: a flood of connections must not become a flood of log lines.
    if (Date.now() - lastDropLogged < 60_000) return
    lastDropLogged = Date.now()
    log(`ipc: refusing connections over ${MAX_CONNECTIONS} open at once`)
  })
  const previousUmask = process.platform === 'win32' ? undefined : process.umask(0o177)
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject)
      server.listen(socketPath, () => {
        server.off('error', reject)
        resolve()
      })
    })
  } finally {
    if (previousUmask !== undefined) process.umask(previousUmask)
  }

  return {
    close: () =>
      new Promise(resolve => {
        for (const socket of sockets) socket.end()
        server.close(() => resolve())
        // Sockets that do not finish promptly are cut so shutdown never hangs on a client.
        setTimeout(() => {
          for (const socket of sockets) socket.destroy()
        }, 500).unref()
      }),
  }
}

interface Shared {
  handlers: Record<string, Handler>
  budget: InputBudget
  log: (line: string) => void
}

function serveConnection(socket: net.Socket, shared: Shared): void {
  const connection = new Connection(socket, shared)
  socket.setEncoding('utf8')
  socket.on('close', () => connection.closed())
  socket.on('error', () => socket.destroy())
  socket.on('data', (chunk: string) => connection.received(chunk))
}

/**
 * One client. Requests on one connection are answered one after another, in order. A client
 * that sends faster than it reads its replies is simply not read from: at most
 * MAX_QUEUED_REQUESTS wait, then the kernel's buffers push back on it, and the daemon's memory
 * stays flat.
 */
class Connection {
  private isClosed = false
  private held = 0 // this connection's share of the budget
  private readonly splitter = new LineSplitter()
  private readonly closeListeners: Array<() => void> = []
  private queue = Promise.resolve()
  private queued = 0
  private replyBacklog = false

  constructor(private readonly socket: net.Socket, private readonly shared: Shared) {}

  closed(): void {
    this.isClosed = true
    this.shared.budget.release(this.held)
    this.held = 0
    for (const listener of this.closeListeners) listener()
  }

  received(chunk: string): void {
    const {budget, log} = this.shared
    let lines: string[]
    try {
      lines = this.splitter.push(chunk)
    } catch (error) {
      log(`ipc: dropping client: ${errorMessage(error)}`)
      this.socket.destroy()
      return
    }

    budget.release(this.held)
    this.held = this.splitter.pending
    if (!budget.take(this.held)) {
      this.held = 0
      log('ipc: dropping client: unterminated input of all clients is over its limit')
      this.socket.destroy()
      return
    }

    for (const line of lines) {
      this.queued++
      this.queue = this.queue.then(async () => {
        // Work for a client that has gone is dropped, not done for no one.
        if (!this.isClosed) await this.dispatch(line)
        this.queued--
        this.updateReading()
      })
    }

    this.updateReading()
  }

  private updateReading(): void {
    if (this.isClosed) return
    if (this.queued >= MAX_QUEUED_REQUESTS || this.replyBacklog) this.socket.pause()
    else this.socket.resume()
  }

  private write(message: Reply): Promise<void> {
    const {socket} = this
    return new Promise(resolve => {
      if (this.isClosed || socket.write(encode(message))) {
        resolve()
        return
      }

      // The client is not reading its replies: read no more requests until it does.
      this.replyBacklog = true
      this.updateReading()
      const done = (): void => {
        socket.off('drain', done).off('close', done)
        this.replyBacklog = false
        this.updateReading()
        resolve()
      }

      socket.once('drain', done).once('close', done)
    })
  }

  private channel(id: number): ReplyChannel {
    const isClosed = (): boolean => this.isClosed
    return {
      send: message => this.write({...message, id} as Reply),
      get closed() {
        return isClosed()
      },
      onClose: listener => this.closeListeners.push(listener),
    }
  }

  private async dispatch(line: string): Promise<void> {
    let request: Request
    try {
      request = JSON.parse(line) as Request
      if (typeof request.id !== 'number' || typeof request.method !== 'string') throw new Error('bad request shape')
    } catch {
      await this.write({id: -1, type: 'error', error: {message: 'Malformed request.'}})
      return
    }

    const {id} = request
    const {handlers, log} = this.shared
    const handler = Object.hasOwn(handlers, request.method) ? handlers[request.method] : undefined
    if (!handler) {
      await this.write({id, type: 'error', error: {message: `Unknown method "${request.method}".`}})
      return
    }

    try {
      const result = await handler(request.params ?? {}, this.channel(id))
      if (result !== undefined) await this.write({id, type: 'result', result})
    } catch (error) {
      const wire
        = error instanceof DevtraceError
          ? {message: error.message, exitCode: error.exitCode, suggestion: error.suggestion}
          : {message: errorMessage(error)}
      if (!(error instanceof DevtraceError)) log(`ipc: ${request.method} failed: ${errorMessage(error)}`)
      await this.write({id, type: 'error', error: wire})
    }
  }
}
