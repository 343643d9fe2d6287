/**
 * Bounds that keep one misbehaving client (or a thousand) from growing the daemon: its memory
 * must stay small however clients behave, because capture runs in the same process.
 */

/**
 * Connections open at once; more are closed as they arrive. The CLI uses one per command, and
 * every connection costs a read buffer (64 KiB) before its first line can be judged.
 */
export const MAX_CONNECTIONS = 256

/** Requests read from one connection but not yet answered; beyond this the connection is not read. */
export const MAX_QUEUED_REQUESTS = 32

/** Unterminated input held for all connections together (each is also capped by MAX_LINE_BYTES). */
export const MAX_TOTAL_PENDING_CHARS = 8 * 1024 * 1024

/** A shared allowance of buffered, unterminated input, taken and given back by connections. */
export class InputBudget {
  private used = 0

  constructor(private readonly limit = MAX_TOTAL_PENDING_CHARS) {}

  get inUse(): number {
    return this.used
  }

  /** Take `amount`; false (taking nothing) when that would go over the limit. */
  take(amount: number): boolean {
    if (this.used + amount > this.limit) return false
    this.used += amount
    return true
  }

  release(amount: number): void {
    this.used = Math.max(0, this.used - amount)
  }
}
