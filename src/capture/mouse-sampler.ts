/**
 * Keeps at most `hz` mouse moves a second. The newest skipped move is held back and released
 * before the next kept event, so the path still ends where the pointer really stopped (mouse
 * distance stays close to the truth while storage drops by the sampling ratio).
 */
export class MouseSampler<T> {
  private readonly intervalMs: number
  private lastKeptMs = Number.NEGATIVE_INFINITY
  private pending: T | undefined

  /** `hz` 0 keeps every move. */
  constructor(hz: number) {
    this.intervalMs = hz > 0 ? 1000 / hz : 0
  }

  /**
   * Returns the moves to keep now: this one when the interval has passed (a held-back move is
   * then superseded and dropped, which is what keeps the rate at `hz`), else none.
   */
  offerMove(move: T, nowMs: number): T[] {
    return this.admit(move, nowMs) ? [move] : []
  }

  /**
   * `offerMove` without an array per move (it runs on every pointer event): true when this move
   * is to be kept now, false when it was held back.
   */
  admit(move: T, nowMs: number): boolean {
    if (nowMs - this.lastKeptMs >= this.intervalMs) {
      this.lastKeptMs = nowMs
      this.pending = undefined
      return true
    }

    this.pending = move
    return false
  }

  /** Before any other kind of event (a click at the final position), release the held-back move. */
  takePending(): T | undefined {
    const {pending} = this
    this.pending = undefined
    return pending
  }
}
