/** Where time comes from; tests pass a fake one. */
export interface ClockSource {
  /** Wall clock, whole milliseconds since the epoch (Date.now: follows suspend and clock changes). */
  wallMs(): number
  /** Monotonic milliseconds with sub-millisecond precision (performance.now: stops while suspended). */
  monoMs(): number
}

export const systemClock: ClockSource = {
  wallMs: () => Date.now(),
  monoMs: () => performance.now(),
}

/**
 * Event timestamps in wall-clock microseconds that follow the wall clock and never go back.
 *
 * The monotonic clock gives sub-millisecond spacing but stops during suspend and ignores clock
 * corrections; the wall clock follows both but only has millisecond precision. So a stamp is
 * the monotonic clock plus an offset, and every stamp checks itself against Date.now(): the
 * true time lies in [wall, wall + 1 ms), and whenever the estimate leaves that window the offset
 * is moved just enough to bring it back. Slewing (NTP's gradual correction) thus costs nudges
 * of under a millisecond; a resume or a clock that was set jumps at once. Per stamp that is two
 * clock reads (both vDSO calls on Linux, no system call) and a few comparisons.
 *
 * Within one daemon run stamps strictly increase (by at least 1 µs): a clock set back makes
 * them advance by 1 µs per stamp until the wall clock passes them again, so order is kept and
 * (session, ts) names one event.
 */
export class WallClock {
  /** Wall-clock ms minus monotonic ms, to sub-millisecond precision. */
  private offsetMs: number
  private lastMicros = Number.NEGATIVE_INFINITY

  constructor(private readonly source: ClockSource = systemClock) {
    // Start in the middle of the wall clock's millisecond; later stamps narrow it.
    this.offsetMs = source.wallMs() + 0.5 - source.monoMs()
  }

  nowMicros(): number {
    const mono = this.source.monoMs()
    const wall = this.source.wallMs()
    let estimate = mono + this.offsetMs
    if (estimate < wall) {
      this.offsetMs = wall - mono
      estimate = wall
    } else if (estimate >= wall + 1) {
      this.offsetMs = wall + 0.999 - mono
      estimate = wall + 0.999
    }

    const micros = Math.max(Math.floor(estimate * 1000), this.lastMicros + 1)
    this.lastMicros = micros
    return micros
  }
}
