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
/** `columns` comes with a stream's first `rows` message only; later ones carry just rows. */
interface RowsReply {id: number; type: 'rows'; columns?: string[]; rows: unknown[]}
interface EventReply {id: number; type: 'event'; event: unknown}

export type Reply = EndReply | ErrorReply | EventReply | ResultReply | RowsReply

/** No legitimate request comes near this; a longer line is a broken or hostile peer. */
export const MAX_LINE_BYTES = 1024 * 1024

/**
 * Splits a byte stream into lines, refusing lines longer than the limit. A partial line is kept
 * as its pieces and joined once its newline arrives: re-scanning (and copying) the whole partial
 * line on every chunk would make a 1 MiB line cost ~8 MiB of copies.
 */
export class LineSplitter {
  private parts: string[] = []
  private held = 0

  constructor(private readonly maxBytes = MAX_LINE_BYTES) {}

  /** Characters held of a line not yet terminated. */
  get pending(): number {
    return this.held
  }

  push(chunk: string): string[] {
    const lines: string[] = []
    let start = 0
    for (let newline = chunk.indexOf('\n'); newline !== -1; newline = chunk.indexOf('\n', start)) {
      const piece = chunk.slice(start, newline)
      this.check(this.held + piece.length)
      const line = this.parts.length > 0 ? this.parts.join('') + piece : piece
      this.parts = []
      this.held = 0
      if (line.length > 0) lines.push(line)
      start = newline + 1
    }

    const rest = chunk.slice(start)
    this.check(this.held + rest.length)
    if (rest.length > 0) {
      this.parts.push(rest)
      this.held += rest.length
    }

    return lines
  }

  private check(length: number): void {
    if (length <= this.maxBytes) return
    this.parts = []
    this.held = 0
    throw new Error(`protocol line longer than ${this.maxBytes} bytes`)
  }
}

export function encode(message: Reply | Request): string {
  return JSON.stringify(message) + '\n'
}
