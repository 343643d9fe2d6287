/**
 * The kernel's `struct input_event` as read from `/dev/input/eventN`: a `struct timeval` (seconds
 * and microseconds, each a C `long`), then type (u16), code (u16) and value (s32), in the
 * machine's byte order. 24 bytes on 64-bit Linux, 16 on 32-bit.
 */
export interface InputEvent {
  /** The kernel's time of the event, in milliseconds (fractional: microsecond precision). */
  timeMs: number
  type: number
  code: number
  value: number
}

/** The size of a C `long` here, in bits: 64 on every 64-bit architecture Node runs on Linux. */
export const LONG_BITS = ['arm64', 'loong64', 'mips64el', 'ppc64', 'riscv64', 's390x', 'x64'].includes(process.arch) ? 64 : 32

/** Bytes of one record for a given `long` size. */
export function inputEventSize(longBits: number = LONG_BITS): number {
  return longBits === 64 ? 24 : 16
}

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1

/**
 * Turns the byte stream of one device into whole records. A read may end inside a record (a pipe
 * hands over what it has), so the tail is kept for the next chunk.
 */
export class InputEventDecoder {
  private readonly size: number
  private readonly longBits: number
  private carry: Buffer = Buffer.alloc(0)

  constructor(longBits: number = LONG_BITS) {
    this.longBits = longBits
    this.size = inputEventSize(longBits)
  }

  /** Bytes received but not yet a whole record. */
  get pendingBytes(): number {
    return this.carry.length
  }

  /** Every whole record in `carry + chunk`, in order; `each` is called for each one. */
  push(chunk: Buffer, each: (event: InputEvent) => void): void {
    const bytes = this.carry.length > 0 ? Buffer.concat([this.carry, chunk]) : chunk
    const whole = bytes.length - (bytes.length % this.size)
    for (let offset = 0; offset < whole; offset += this.size) each(this.decodeAt(bytes, offset))
    // Copied: `chunk` may be a pooled buffer that is reused after this call.
    this.carry = whole === bytes.length ? Buffer.alloc(0) : Buffer.from(bytes.subarray(whole))
  }

  private decodeAt(bytes: Buffer, offset: number): InputEvent {
    let seconds: number
    let micros: number
    let at = offset
    if (this.longBits === 64) {
      seconds = readLong64(bytes, at)
      micros = readLong64(bytes, at + 8)
      at += 16
    } else {
      seconds = LITTLE_ENDIAN ? bytes.readInt32LE(at) : bytes.readInt32BE(at)
      micros = LITTLE_ENDIAN ? bytes.readInt32LE(at + 4) : bytes.readInt32BE(at + 4)
      at += 8
    }

    return {
      timeMs: (seconds * 1000) + (micros / 1000),
      type: LITTLE_ENDIAN ? bytes.readUInt16LE(at) : bytes.readUInt16BE(at),
      code: LITTLE_ENDIAN ? bytes.readUInt16LE(at + 2) : bytes.readUInt16BE(at + 2),
      value: LITTLE_ENDIAN ? bytes.readInt32LE(at + 4) : bytes.readInt32BE(at + 4),
    }
  }
}

/** A signed 64-bit `long` as a number, without BigInt (this runs for every event; times fit in 53 bits). */
function readLong64(bytes: Buffer, at: number): number {
  return LITTLE_ENDIAN
    ? (bytes.readInt32LE(at + 4) * 0x1_00_00_00_00) + bytes.readUInt32LE(at)
    : (bytes.readInt32BE(at) * 0x1_00_00_00_00) + bytes.readUInt32BE(at + 4)
}

/**
 * One record in the kernel's layout, little-endian (every Linux machine devtrace runs on). The
 * daemon never writes to devices: this is how tests and benchmarks feed the reader the exact
 * bytes a device would give.
 */
export function encodeInputEvent(event: {code: number; micros: number; seconds: number; type: number; value: number}, longBits: number = LONG_BITS): Buffer {
  const bytes = Buffer.alloc(inputEventSize(longBits))
  let at = 0
  if (longBits === 64) {
    bytes.writeBigInt64LE(BigInt(event.seconds), 0)
    bytes.writeBigInt64LE(BigInt(event.micros), 8)
    at = 16
  } else {
    bytes.writeInt32LE(event.seconds, 0)
    bytes.writeInt32LE(event.micros, 4)
    at = 8
  }

  bytes.writeUInt16LE(event.type, at)
  bytes.writeUInt16LE(event.code, at + 2)
  bytes.writeInt32LE(event.value, at + 4)
  return bytes
}
