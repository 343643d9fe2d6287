import net from 'node:net'

import type {StatePaths} from '../config/paths.js'

import {DevtraceError} from '../core/errors.js'
import {ExitCode, type ExitCodeValue} from '../core/exit-codes.js'
import {
  encode, LineSplitter, type Method, type MethodParams, type MethodResult, type Reply, type UnaryMethod,
} from './protocol.js'

/** An error the daemon sent back, kept as the same one-sentence error on this side. */
function toError(error: {exitCode?: number; message: string; suggestion?: string}): DevtraceError {
  return new DevtraceError(error.message, {
    exitCode: (error.exitCode ?? ExitCode.Failure) as ExitCodeValue,
    suggestion: error.suggestion,
  })
}

/**
 * One connection to the daemon. Liveness is judged by connecting, never by the pid file:
 * a killed daemon can linger as a zombie whose pid still answers `kill(pid, 0)`.
 */
export class DaemonClient {
  private nextId = 1

  private constructor(private readonly socket: net.Socket) {}

  /** Connect, or return undefined when no daemon listens on this socket. */
  static async connect(paths: StatePaths, timeoutMs = 2000): Promise<DaemonClient | undefined> {
    return new Promise(resolve => {
      const socket = net.createConnection(paths.socket)
      const timer = setTimeout(() => {
        socket.destroy()
        resolve(undefined)
      }, timeoutMs)
      socket.once('connect', () => {
        clearTimeout(timer)
        socket.setEncoding('utf8')
        resolve(new DaemonClient(socket))
      })
      socket.once('error', () => {
        clearTimeout(timer)
        resolve(undefined)
      })
    })
  }

  close(): void {
    this.socket.end()
    this.socket.destroy()
  }

  /** Send a request and yield every reply to it until the final one. */
  async * messages<M extends Method>(method: M, params: MethodParams<M>): AsyncGenerator<Reply> {
    const id = this.nextId++
    const splitter = new LineSplitter(Number.POSITIVE_INFINITY)
    const {socket} = this
    const pending: Reply[] = []
    let wake: (() => void) | undefined
    let ended = false
    const onData = (chunk: string): void => {
      for (const line of splitter.push(chunk)) pending.push(JSON.parse(line) as Reply)
      // Stop reading while the consumer is behind: the kernel buffer then pushes back on the daemon.
      if (pending.length > 64) socket.pause()
      wake?.()
    }

    const onEnd = (): void => {
      ended = true
      wake?.()
    }

    socket.on('data', onData)
    socket.once('close', onEnd)
    socket.write(encode({id, method, params: params as Record<string, unknown>}))
    try {
      while (true) {
        if (pending.length === 0) {
          if (ended) throw new DevtraceError('The devtrace daemon closed the connection unexpectedly.', {
            suggestion: 'Check `devtrace status` and logs/daemon.log.',
          })
          socket.resume()
          await new Promise<void>(resolve => {
            wake = resolve
          })
          wake = undefined
          continue
        }

        const reply = pending.shift()!
        if (reply.id !== id) continue
        if (reply.type === 'error') throw toError(reply.error)
        yield reply
        if (reply.type === 'result' || reply.type === 'end') return
      }
    } finally {
      socket.off('data', onData)
      socket.off('close', onEnd)
    }
  }

  async request<M extends UnaryMethod>(method: M, params: MethodParams<M>): Promise<MethodResult<M>> {
    for await (const reply of this.messages(method, params)) {
      if (reply.type === 'result') return reply.result as MethodResult<M>
    }

    throw new DevtraceError(`The daemon sent no result for ${method}.`)
  }
}

/** One request on a fresh connection; undefined when the daemon is not running. */
export async function callDaemon<M extends UnaryMethod>(
  paths: StatePaths,
  method: M,
  ...[params]: Record<string, never> extends MethodParams<M> ? [MethodParams<M>?] : [MethodParams<M>]
): Promise<MethodResult<M> | undefined> {
  const client = await DaemonClient.connect(paths)
  if (!client) return undefined
  try {
    return await client.request(method, params ?? ({} as MethodParams<M>))
  } finally {
    client.close()
  }
}
