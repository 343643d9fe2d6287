import assert from 'node:assert/strict'
import {describe, it} from 'node:test'

import {type ClockSource, WallClock} from '../../src/capture/clock.js'

const T0 = 1_764_000_000_000 // wall ms

/**
 * A machine's clocks, driven by hand: true wall time in fractional ms, a monotonic clock that
 * can stop (suspend) or run at another rate than the wall clock (slewing), and the wall clock
 * as Date.now() shows it (whole ms).
 */
class FakeMachine implements ClockSource {
  trueWall = T0 + 0.25
  mono = 5000.123
  /** Monotonic ms per true ms. */
  monoRate = 1

  /** Time passes while the machine runs. */
  advance(ms: number): void {
    this.trueWall += ms
    this.mono += ms * this.monoRate
  }

  /** The machine sleeps: the wall clock moves, the monotonic clock does not. */
  suspend(ms: number): void {
    this.trueWall += ms
  }

  /** Someone (or NTP stepping) sets the wall clock. */
  setWall(deltaMs: number): void {
    this.trueWall += deltaMs
  }

  monoMs(): number {
    return this.mono
  }

  wallMs(): number {
    return Math.floor(this.trueWall)
  }
}

/** Stamp every `stepMs` for `count` stamps; returns the stamps and the true times (µs). */
function run(machine: FakeMachine, clock: WallClock, count: number, stepMs: number): Array<{stamp: number; truth: number}> {
  const out = []
  for (let index = 0; index < count; index++) {
    machine.advance(stepMs)
    out.push({stamp: clock.nowMicros(), truth: machine.trueWall * 1000})
  }

  return out
}

function assertIncreasing(stamps: number[]): void {
  for (let index = 1; index < stamps.length; index++) {
    assert.ok(stamps[index] > stamps[index - 1], `stamp ${index} (${stamps[index]}) after ${stamps[index - 1]}`)
  }
}

describe('WallClock', () => {
  it('stamps within a millisecond of the wall clock, keeping sub-millisecond spacing', () => {
    const machine = new FakeMachine()
    const clock = new WallClock(machine)
    const stamps = run(machine, clock, 1000, 0.37)
    for (const {stamp, truth} of stamps) assert.ok(Math.abs(stamp - truth) < 1000, `${stamp} vs ${truth}`)
    assertIncreasing(stamps.map(s => s.stamp))
    // Spacing comes from the monotonic clock: about 370 µs apart (nudges toward the wall clock
    // are a few µs once the first stamps have narrowed the starting guess), not whole
    // milliseconds and zeros.
    const gaps = new Set(stamps.slice(10).map(({stamp}, index) => stamp - stamps[9 + index].stamp))
    assert.ok([...gaps].every(gap => gap >= 340 && gap <= 400), `gaps ${[...gaps].join(',')}`)
  })

  it('follows the wall clock across a suspend (the monotonic clock stood still)', () => {
    const machine = new FakeMachine()
    const clock = new WallClock(machine)
    run(machine, clock, 10, 5)
    machine.suspend(2 * 60 * 60 * 1000) // two hours asleep
    const [after] = run(machine, clock, 1, 3)
    assert.ok(Math.abs(after.stamp - after.truth) < 1000, `after resume: stamped ${(after.truth - after.stamp) / 1e6} s early`)
  })

  it('follows a clock set forward at once, and one set back once the wall clock passes its last stamp, never going back', () => {
    const machine = new FakeMachine()
    const clock = new WallClock(machine)
    const before = run(machine, clock, 10, 5)
    machine.setWall(30_000)
    const forward = run(machine, clock, 1, 5)
    assert.ok(Math.abs(forward[0].stamp - forward[0].truth) < 1000)

    machine.setWall(-10_000) // set back by 10 s
    const back = run(machine, clock, 3000, 5) // 15 s of input
    const all = [...before, ...forward, ...back].map(s => s.stamp)
    assertIncreasing(all)
    // While the wall clock is behind what was already stamped, stamps creep forward by 1 µs ...
    assert.equal(back[1].stamp - back[0].stamp, 1)
    // ... and once it has passed them, they are on the wall clock again.
    const last = back.at(-1)!
    assert.ok(Math.abs(last.stamp - last.truth) < 1000, `${last.stamp} vs ${last.truth}`)
  })

  it('tracks a slewing wall clock (monotonic 500 ppm fast, then slow) with small corrections', () => {
    for (const rate of [1.0005, 0.9995]) {
      const machine = new FakeMachine()
      machine.monoRate = rate
      const clock = new WallClock(machine)
      const stamps = run(machine, clock, 20_000, 50) // 1000 s
      assertIncreasing(stamps.map(s => s.stamp))
      for (const {stamp, truth} of stamps) assert.ok(Math.abs(stamp - truth) < 1000, `rate ${rate}: ${stamp} vs ${truth}`)
      // A 500 ppm drift over 1000 s is 0.5 s: without following the wall clock it would be far outside.
    }
  })

  it('stamps strictly increase even when the clocks do not move between two calls', () => {
    const machine = new FakeMachine()
    const clock = new WallClock(machine)
    const a = clock.nowMicros()
    const b = clock.nowMicros()
    const c = clock.nowMicros()
    assert.deepEqual([b - a, c - b], [1, 1])
  })
})
