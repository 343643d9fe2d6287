/**
 * The control protocol: newline-delimited JSON over a Unix domain socket (a named pipe on
 * Windows). A client sends one request object a line; the daemon answers with messages that
 * carry the request's id. Unary calls end with `result` or `error`; streams send `rows` or
 * `event` messages and end with `end` or `error`.
 */
export interface Request {
  id: number
  method: string
  params?: Record<string, unknown>
}

export interface WireError {
  message: string
  exitCode?: number
  suggestion?: string
}

interface EndReply {id: number; type: 'end'; summary?: Record<string, unknown>}
interface ErrorReply {id: number; type: 'error'; error: WireError}
interface ResultReply {id: number; type: 'result'; result: unknown}
interface RowsReply {id: number; type: 'rows'; columns?: string[]; rows: unknown[]}
interface EventReply {id: number; type: 'event'; event: unknown}

export type Reply = EndReply | ErrorReply | EventReply | ResultReply | RowsReply

/** No legitimate request comes near this; a longer line is a broken or hostile peer. */
export const MAX_LINE_BYTES = 1024 * 1024

/** Splits a byte stream into lines, refusing lines longer than the limit. */
export class LineSplitter {
  private buffer = ''

  constructor(private readonly maxBytes = MAX_LINE_BYTES) {}

  /** Characters held of a line not yet terminated. */
  get pending(): number {
    return this.buffer.length
  }

  push(chunk: string): string[] {
    this.buffer += chunk
    const lines = this.buffer.split('\n')
    this.buffer = lines.pop() ?? ''
    if (this.buffer.length > this.maxBytes || lines.some(line => line.length > this.maxBytes)) {
      this.buffer = ''
      throw new Error(`protocol line longer than ${this.maxBytes} bytes`)
    }

    return lines.filter(line => line.length > 0)
  }
}

export function encode(message: Reply | Request): string {
  return JSON.stringify(message) + '\n'
}
