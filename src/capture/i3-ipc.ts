import os from 'node:os'

/**
 * The i3 IPC protocol, which Sway speaks too, on the socket in `$SWAYSOCK` / `$I3SOCK` (pure:
 * unit-tested on byte strings). Every message, both ways, is
 *
 *   "i3-ipc" (6 bytes) | payload length (u32) | type (u32) | payload (JSON, UTF-8)
 *
 * with the integers in the machine's own byte order. Replies carry the request's type; events
 * set the high bit (window events: 0x80000003).
 */

export const I3_MESSAGE = {getTree: 4, subscribe: 2} as const
export const I3_EVENT = {workspace: 0x80_00_00_00, window: 0x80_00_00_03} as const

const MAGIC = Buffer.from('i3-ipc', 'ascii')
const HEADER_BYTES = MAGIC.length + 8
/**
 * Largest payload accepted. A tree with hundreds of windows is a few hundred KiB; a length beyond
 * this is a broken or hostile stream, and buffering it would let it take the daemon's memory.
 */
export const MAX_I3_PAYLOAD = 16 * 1024 * 1024

const littleEndian = os.endianness() === 'LE'

export interface I3Message {
  type: number
  payload: string
}

export function encodeI3Message(type: number, payload = ''): Buffer {
  const body = Buffer.from(payload, 'utf8')
  const header = Buffer.alloc(HEADER_BYTES)
  MAGIC.copy(header)
  writeU32(header, body.length, MAGIC.length)
  writeU32(header, type, MAGIC.length + 4)
  return Buffer.concat([header, body])
}

/** Cuts a byte stream into messages; throws (and should then be dropped) when the stream is not i3 IPC. */
export class I3Decoder {
  private buffered: Buffer = Buffer.alloc(0)

  push(chunk: Buffer): I3Message[] {
    this.buffered = this.buffered.length === 0 ? chunk : Buffer.concat([this.buffered, chunk])
    const messages: I3Message[] = []
    while (this.buffered.length >= HEADER_BYTES) {
      if (!this.buffered.subarray(0, MAGIC.length).equals(MAGIC)) throw new Error('not an i3 IPC message (bad magic)')
      const length = readU32(this.buffered, MAGIC.length)
      if (length > MAX_I3_PAYLOAD) throw new Error(`i3 IPC message of ${length} bytes is over the ${MAX_I3_PAYLOAD}-byte limit`)
      if (this.buffered.length < HEADER_BYTES + length) break
      const type = readU32(this.buffered, MAGIC.length + 4)
      const payload = this.buffered.subarray(HEADER_BYTES, HEADER_BYTES + length).toString('utf8')
      this.buffered = this.buffered.subarray(HEADER_BYTES + length)
      messages.push({type, payload})
    }

    return messages
  }
}

function writeU32(buffer: Buffer, value: number, offset: number): void {
  if (littleEndian) buffer.writeUInt32LE(value, offset)
  else buffer.writeUInt32BE(value, offset)
}

function readU32(buffer: Buffer, offset: number): number {
  return littleEndian ? buffer.readUInt32LE(offset) : buffer.readUInt32BE(offset)
}

/** What we read of a Sway/i3 container (GET_TREE nodes, window events' `container`). */
interface I3Node {
  id?: unknown
  type?: unknown
  focused?: unknown
  name?: unknown
  app_id?: unknown
  window_properties?: {class?: unknown; instance?: unknown; title?: unknown}
  nodes?: unknown
  floating_nodes?: unknown
}

export interface I3Window {
  id: number
  /** `app_id` for Wayland clients, the X class for XWayland ones (i3: always the class). */
  app: null | string
  instance: null | string
  title: null | string
}

const text = (value: unknown): null | string => (typeof value === 'string' && value !== '' ? value : null)

/** A container as a window, or null when it is not one (a workspace, an output, garbage). */
export function windowOf(node: unknown): I3Window | null {
  if (!node || typeof node !== 'object') return null
  const container = node as I3Node
  const properties = container.window_properties && typeof container.window_properties === 'object' ? container.window_properties : {}
  const app = text(container.app_id) ?? text(properties.class) ?? text(properties.instance)
  const isWindow = container.type === 'con' || container.type === 'floating_con'
  if (!isWindow || (app === null && container.window_properties === undefined && container.app_id === undefined)) return null
  return {
    id: typeof container.id === 'number' ? container.id : 0,
    app,
    instance: text(properties.instance),
    title: text(container.name) ?? text(properties.title),
  }
}

/**
 * The focused window in a GET_TREE reply: the node with `focused: true`, when it is a window
 * (a focused empty workspace means no window has focus). Walked without recursion and with a
 * bound, so no tree can exhaust the stack.
 */
export function focusedInTree(tree: unknown): I3Window | null {
  const stack: unknown[] = [tree]
  for (let visited = 0; stack.length > 0 && visited < 100_000; visited++) {
    const node = stack.pop()
    if (!node || typeof node !== 'object') continue
    const container = node as I3Node
    if (container.focused === true) return windowOf(container)
    for (const children of [container.nodes, container.floating_nodes]) {
      if (Array.isArray(children)) stack.push(...children)
    }
  }

  return null
}

/** What a `window` event means for focus. */
export type I3WindowChange = {kind: 'closed'; id: number} | {kind: 'focus'; window: I3Window | null} | {kind: 'other'} | {kind: 'title'; window: I3Window | null}

export function parseWindowEvent(payload: unknown): I3WindowChange {
  if (!payload || typeof payload !== 'object') return {kind: 'other'}
  const {change, container} = payload as {change?: unknown; container?: unknown}
  switch (change) {
  case 'close': {
    const id = (container as I3Node | undefined)?.id
    return typeof id === 'number' ? {kind: 'closed', id} : {kind: 'other'}
  }

  case 'focus': {
    return {kind: 'focus', window: windowOf(container)}
  }

  case 'title': {
    return {kind: 'title', window: windowOf(container)}
  }

  default: {
    return {kind: 'other'}
  }
  }
}
