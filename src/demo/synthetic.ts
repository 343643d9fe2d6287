import type {RawInput} from '../capture/normalise.js'

/**
 * Deterministic synthetic input: a plausible day at a desk, as the raw uiohook events the
 * daemon would receive, with the wall-clock time it would stamp them with and the app that
 * had focus. Used by `devtrace demo` and the benchmarks, so it must never touch the real
 * hook, the clock or `Math.random`: the same options always give the same stream.
 *
 * What it models, roughly:
 * - typing in bursts of words (~150 ms between key presses, keys held ~100 ms, rollover,
 *   shift for capitals, backspace corrections, enter and shortcuts), with short hesitations
 *   between bursts;
 * - smooth pointer paths (minimum-jerk with a slight curve and hand jitter) reported at a
 *   60–120 Hz poll, ending in a click, double click, right click or a short drag;
 * - wheel bursts (one notch every 20–80 ms);
 * - an app with focus (`code`, `firefox`, `slack`, `terminal`) that changes every few
 *   minutes and shapes the mix (more typing in an editor, more scrolling in a browser);
 * - idle gaps: hesitations of 2–30 s, breaks of minutes, and, on the `workday` schedule,
 *   nights and lunch with no input at all.
 */

export const SYNTHETIC_APPS = ['code', 'firefox', 'slack', 'terminal'] as const
export type SyntheticApp = (typeof SYNTHETIC_APPS)[number]

/** One raw input as the hook listener would hand it on. */
export interface SyntheticInput {
  /** Wall-clock microseconds since the Unix epoch (what the daemon stamps at receipt). */
  tsMicros: number
  /** The app with focus; put it into the event's `app`. */
  app: SyntheticApp
  raw: RawInput
}

export interface SyntheticOptions {
  /** PRNG seed; the same seed gives the same stream. Default 1. */
  seed?: number
  /** First timestamp, µs since the epoch. Default 2025-03-03T09:00:00Z (a Monday morning). */
  startMicros?: number
  /** Stop before the first input at or after `startMicros + durationMs`. */
  durationMs?: number
  /** Stop after this many raw inputs. Without `durationMs` or `count` the stream never ends. */
  count?: number
  /**
   * `workday` (default): input only 09:00–12:30 and 13:30–18:00 UTC on weekdays, so a
   * duration of days looks like days. `continuous`: a desk that never sleeps.
   */
  schedule?: 'continuous' | 'workday'
  /** Screen size in pixels. Default 2560×1440. */
  screen?: {height: number; width: number}
}

export const DEFAULT_SYNTHETIC_START_MICROS = Date.UTC(2025, 2, 3, 9, 0, 0) * 1000

/** A small, fast, seedable PRNG (mulberry32) with the few distributions the generator needs. */
export class Rng {
  private state: number

  constructor(seed: number) {
    this.state = seed >>> 0
  }

  /** Uniform in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6D_2B_79_F5) >>> 0
    let t = this.state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296
  }

  between(min: number, max: number): number {
    return min + (max - min) * this.next()
  }

  int(min: number, maxInclusive: number): number {
    return min + Math.floor(this.next() * (maxInclusive - min + 1))
  }

  chance(p: number): boolean {
    return this.next() < p
  }

  normal(mean = 0, sd = 1): number {
    const u = 1 - this.next()
    const v = this.next()
    return mean + sd * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v)
  }

  /** Log-normal with the given median and log-space spread. */
  logNormal(median: number, sigma: number): number {
    return median * Math.exp(this.normal(0, sigma))
  }

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)]
  }

  weighted<T>(items: ReadonlyArray<readonly [T, number]>): T {
    let total = 0
    for (const [, w] of items) total += w
    let r = this.next() * total
    for (const [item, w] of items) {
      r -= w
      if (r < 0) return item
    }

    return items.at(-1)![0]
  }
}

// libuiohook event types and key codes (VC_*).
const KEY_PRESSED = 4
const KEY_RELEASED = 5
const MOUSE_PRESSED = 7
const MOUSE_RELEASED = 8
const MOUSE_MOVED = 9
const MOUSE_DRAGGED = 10
const MOUSE_WHEEL = 11
const WHEEL_VERTICAL = 3
const WHEEL_HORIZONTAL = 4

const VC = {
  backspace: 14,
  tab: 15,
  enter: 28,
  ctrl: 29,
  shift: 42,
  alt: 56,
  space: 57,
  escape: 1,
  meta: 3675,
  up: 57_416,
  left: 57_419,
  right: 57_421,
  down: 57_424,
  s: 31,
  c: 46,
  v: 47,
  z: 44,
} as const

// English letter frequencies (per mille) over the VC codes of a..z.
const LETTERS: ReadonlyArray<readonly [number, number]> = [
  [30, 82],
  [48, 15],
  [46, 28],
  [32, 43],
  [18, 127],
  [33, 22],
  [34, 20],
  [35, 61],
  [23, 70],
  [36, 2],
  [37, 8],
  [38, 40],
  [50, 24],
  [49, 67],
  [24, 75],
  [25, 19],
  [16, 1],
  [19, 60],
  [31, 63],
  [20, 91],
  [22, 28],
  [47, 10],
  [17, 24],
  [45, 2],
  [21, 20],
  [44, 1],
]
const DIGITS = [2, 3, 4, 5, 6, 7, 8, 9, 10, 11]
// - = [ ] ; ' , . / and the shifted ( ) { } _ " < > ? that code is full of
const PUNCTUATION = [12, 13, 26, 27, 39, 40, 51, 52, 53]
const ARROWS = [VC.up, VC.left, VC.right, VC.down]

interface AppProfile {
  weight: number
  activities: ReadonlyArray<readonly [Activity, number]>
  /** Chance a typed character is punctuation or a digit rather than a letter. */
  symbols: number
}

type Activity = 'mouse' | 'scroll' | 'typing'

const APPS: Record<SyntheticApp, AppProfile> = {
  code: {weight: 4, activities: [['typing', 6], ['mouse', 2.5], ['scroll', 1.5]], symbols: 0.18},
  firefox: {weight: 3, activities: [['typing', 1.5], ['mouse', 5], ['scroll', 3.5]], symbols: 0.05},
  slack: {weight: 2, activities: [['typing', 5], ['mouse', 3], ['scroll', 2]], symbols: 0.04},
  terminal: {weight: 2, activities: [['typing', 7.5], ['mouse', 1.5], ['scroll', 1]], symbols: 0.2},
}
const APP_WEIGHTS = SYNTHETIC_APPS.map(app => [app, APPS[app].weight] as const)

const MS = 1000
const SECOND = 1000 * MS
const MINUTE = 60 * SECOND
const HOUR = 60 * MINUTE
const DAY = 24 * HOUR

interface Modifiers {
  altKey: boolean
  ctrlKey: boolean
  metaKey: boolean
  shiftKey: boolean
}

const NO_MODIFIERS: Modifiers = {
  altKey: false, ctrlKey: false, metaKey: false, shiftKey: false,
}

/** The generator's state; one activity at a time appends its inputs to `block`. */
class Desk {
  readonly rng: Rng
  t: number
  app: SyntheticApp
  appUntil: number
  x: number
  y: number
  private readonly width: number
  private readonly height: number
  private block: SyntheticInput[] = []

  constructor(options: Required<Pick<SyntheticOptions, 'screen' | 'seed' | 'startMicros'>>) {
    this.rng = new Rng(options.seed)
    this.t = options.startMicros
    this.width = options.screen.width
    this.height = options.screen.height
    this.x = Math.round(this.width / 2)
    this.y = Math.round(this.height / 2)
    this.app = this.rng.weighted(APP_WEIGHTS)
    this.appUntil = this.t + this.appStint()
  }

  /** Inputs of the next activity (or nothing, for an idle gap), in time order. */
  step(): SyntheticInput[] {
    this.block = []
    if (this.t >= this.appUntil) this.switchApp()
    const activity = this.rng.weighted(APPS[this.app].activities)
    if (activity === 'typing') this.typing()
    else if (activity === 'mouse') this.pointing()
    else this.scrolling()
    const {block} = this
    // Key releases can land after the next press (rollover): keep the block in time order.
    block.sort((a, b) => a.tsMicros - b.tsMicros)
    const last = block.at(-1)
    if (last && last.tsMicros > this.t) this.t = last.tsMicros
    this.t += this.gap()
    return block
  }

  private appStint(): number {
    return Math.round(Math.min(this.rng.logNormal(2.5 * MINUTE, 0.9), 40 * MINUTE))
  }

  private switchApp(): void {
    let next = this.rng.weighted(APP_WEIGHTS)
    if (next === this.app) next = this.rng.pick(SYNTHETIC_APPS.filter(a => a !== this.app))
    // Half the time by alt+tab (focus changes once tab is pressed), otherwise by a click.
    if (this.rng.chance(0.5)) {
      const t0 = this.t
      this.key(VC.alt, t0, 90 * MS + this.hold() + 120 * MS, {...NO_MODIFIERS, altKey: true})
      this.app = next
      this.key(VC.tab, t0 + 90 * MS, this.hold(), {...NO_MODIFIERS, altKey: true})
      this.t = t0 + 400 * MS
    } else {
      this.app = next
      this.moveTo(this.rng.int(0, this.width - 1), this.rng.int(0, 40))
      this.click(1, 1)
    }

    this.appUntil = this.t + this.appStint()
  }

  /** Time between activities: mostly short, sometimes a hesitation, now and then a break. */
  private gap(): number {
    const r = this.rng.next()
    if (r < 0.7) return Math.round(this.rng.between(150, 1500) * MS)
    if (r < 0.97) return Math.round(Math.min(this.rng.logNormal(5 * SECOND, 0.7), 30 * SECOND))
    if (r < 0.995) return Math.round(this.rng.between(30, 170) * SECOND)
    return Math.round(this.rng.logNormal(8 * MINUTE, 0.6))
  }

  private hold(): number {
    return Math.round(Math.max(35, this.rng.normal(95, 22)) * MS)
  }

  private interKey(): number {
    return Math.round(Math.min(Math.max(this.rng.logNormal(140, 0.45), 35), 900) * MS)
  }

  private push(tsMicros: number, raw: RawInput): void {
    this.block.push({tsMicros, app: this.app, raw})
  }

  private key(code: number, down: number, hold: number, mods: Modifiers = NO_MODIFIERS): void {
    this.push(down, {type: KEY_PRESSED, keycode: code, ...mods})
    this.push(down + hold, {type: KEY_RELEASED, keycode: code, ...mods})
  }

  /** A chord such as ctrl+s: modifier down, key down/up, modifier up. */
  private shortcut(modifier: number, code: number, flag: keyof Modifiers): number {
    const mods = {...NO_MODIFIERS, [flag]: true}
    const t0 = this.t
    const inner = this.rng.between(60, 160) * MS
    const hold = this.hold()
    this.key(modifier, t0, Math.round(inner + hold + this.rng.between(30, 120) * MS), mods)
    this.key(code, Math.round(t0 + inner), hold, mods)
    return Math.round(t0 + inner + hold + this.rng.between(150, 400) * MS)
  }

  private typing(): void {
    const profile = APPS[this.app]
    const words = this.rng.int(2, 18)
    let {t} = this
    for (let w = 0; w < words; w++) {
      const length = Math.max(1, Math.round(this.rng.logNormal(4.5, 0.45)))
      const capital = this.rng.chance(0.08)
      for (let i = 0; i < length; i++) {
        if (this.rng.chance(profile.symbols)) {
          const shifted = this.rng.chance(0.35)
          const code = this.rng.chance(0.35) ? this.rng.pick(DIGITS) : this.rng.pick(PUNCTUATION)
          if (shifted) t = this.shifted(code, t)
          else this.key(code, t, this.hold())
        } else if (i === 0 && capital) {
          t = this.shifted(this.rng.weighted(LETTERS), t)
        } else {
          this.key(this.rng.weighted(LETTERS), t, this.hold())
        }

        t += this.interKey()
        // A typo noticed a few keys later: backspace it away and retype.
        if (this.rng.chance(0.035)) {
          const back = this.rng.int(1, 3)
          t += Math.round(this.rng.between(150, 500) * MS)
          for (let b = 0; b < back; b++) {
            this.key(VC.backspace, t, Math.round(this.hold() * 0.8))
            t += Math.round(this.rng.between(90, 160) * MS)
          }

          for (let b = 0; b < back; b++) {
            this.key(this.rng.weighted(LETTERS), t, this.hold())
            t += this.interKey()
          }
        }
      }

      // Word boundary: usually a space, sometimes the end of a line.
      const end = this.app === 'terminal' || this.app === 'code' ? 0.12 : 0.05
      this.key(this.rng.chance(end) ? VC.enter : VC.space, t, this.hold())
      t += this.interKey()
      if (this.rng.chance(0.06)) t += Math.round(this.rng.between(0.4, 1.6) * SECOND) // a pause mid-sentence
    }

    this.t = t
    const r = this.rng.next()
    if (r < 0.15) {
      this.t = this.shortcut(VC.ctrl, this.app === 'terminal' ? VC.c : VC.s, 'ctrlKey')
    } else if (r < 0.22) {
      this.t = this.shortcut(VC.ctrl, this.rng.pick([VC.c, VC.v, VC.z]), 'ctrlKey')
    } else if (r < 0.32) {
      // A few arrow presses (navigation), auto-repeat not modelled.
      const n = this.rng.int(1, 6)
      for (let i = 0; i < n; i++) {
        this.key(this.rng.pick(ARROWS), this.t, this.hold())
        this.t += Math.round(this.rng.between(110, 220) * MS)
      }
    } else if (r < 0.34) {
      this.key(VC.escape, this.t, this.hold())
    } else if (r < 0.36) {
      this.t = this.shortcut(VC.meta, VC.space, 'metaKey')
    }
  }

  private shifted(code: number, t: number): number {
    const mods = {...NO_MODIFIERS, shiftKey: true}
    const lead = Math.round(this.rng.between(50, 120) * MS)
    const hold = this.hold()
    this.key(VC.shift, t, lead + hold + Math.round(this.rng.between(10, 60) * MS), mods)
    this.key(code, t + lead, hold, mods)
    return t + lead
  }

  /** A smooth path to (tx, ty), reported at the mouse's poll rate; `drag` holds a button. */
  private moveTo(tx: number, ty: number, drag = false): void {
    const x0 = this.x
    const y0 = this.y
    const dx = tx - x0
    const dy = ty - y0
    const distance = Math.hypot(dx, dy)
    if (distance < 1) return
    // Fitts-like duration, a gentle perpendicular bow, a 60–120 Hz report rate.
    const duration = (120 + 140 * Math.log2(1 + distance / 12)) * this.rng.between(0.8, 1.25) * MS
    const bow = this.rng.normal(0, 0.08) * distance
    const period = (1 / this.rng.between(60, 120)) * SECOND
    const nx = -dy / distance
    const ny = dx / distance
    let lastX = x0
    let lastY = y0
    for (let elapsed = period; elapsed < duration + period; elapsed += period) {
      const s = Math.min(elapsed / duration, 1)
      const eased = s * s * s * (10 - 15 * s + 6 * s * s) // minimum-jerk profile
      const arc = Math.sin(Math.PI * s) * bow
      const jitter = s < 1 ? 0.6 : 0
      const x = clamp(Math.round(x0 + dx * eased + nx * arc + this.rng.normal(0, jitter)), 0, this.width - 1)
      const y = clamp(Math.round(y0 + dy * eased + ny * arc + this.rng.normal(0, jitter)), 0, this.height - 1)
      if (x === lastX && y === lastY) continue // the hook reports nothing while the pointer rests
      const ts = Math.round(this.t + elapsed + this.rng.normal(0, 400))
      this.push(ts, {
        type: drag ? MOUSE_DRAGGED : MOUSE_MOVED, x, y, button: drag ? 1 : 0, ...NO_MODIFIERS,
      })
      lastX = x
      lastY = y
    }

    this.x = clamp(tx, 0, this.width - 1)
    this.y = clamp(ty, 0, this.height - 1)
    this.t += Math.round(duration + period)
  }

  private click(button: number, times: number): void {
    for (let i = 0; i < times; i++) {
      this.t += Math.round(this.rng.between(40, 140) * MS)
      const hold = Math.round(this.rng.between(60, 130) * MS)
      this.push(this.t, {
        type: MOUSE_PRESSED, x: this.x, y: this.y, button, ...NO_MODIFIERS,
      })
      this.push(this.t + hold, {
        type: MOUSE_RELEASED, x: this.x, y: this.y, button, ...NO_MODIFIERS,
      })
      this.t += hold
    }
  }

  private target(): [number, number] {
    // Mostly nearby targets, sometimes across the screen.
    if (this.rng.chance(0.7)) {
      const r = this.rng.logNormal(220, 0.7)
      const a = this.rng.between(0, 2 * Math.PI)
      return [
        clamp(Math.round(this.x + r * Math.cos(a)), 0, this.width - 1),
        clamp(Math.round(this.y + r * Math.sin(a)), 0, this.height - 1),
      ]
    }

    return [this.rng.int(0, this.width - 1), this.rng.int(0, this.height - 1)]
  }

  private pointing(): void {
    // A few targets in a row (menus, links, tabs, buttons), most of them clicked.
    const targets = this.rng.int(1, 6)
    for (let n = 0; n < targets; n++) {
      const moves = this.rng.chance(0.3) ? 2 : 1 // overshoot or a second look
      for (let m = 0; m < moves; m++) {
        const [tx, ty] = this.target()
        this.moveTo(tx, ty)
        this.t += Math.round(this.rng.between(80, 600) * MS) // aim, read, hover
      }

      this.act()
      this.t += Math.round(this.rng.logNormal(700, 0.6) * MS)
    }
  }

  private act(): void {
    const r = this.rng.next()
    if (r < 0.55) {
      this.click(1, 1)
    } else if (r < 0.63) {
      this.click(1, 2)
    } else if (r < 0.68) {
      this.click(2, 1)
    } else if (r < 0.74) {
      // A drag: press, move with the button held, release.
      this.t += Math.round(this.rng.between(40, 140) * MS)
      this.push(this.t, {
        type: MOUSE_PRESSED, x: this.x, y: this.y, button: 1, ...NO_MODIFIERS,
      })
      const [tx, ty] = this.target()
      this.moveTo(tx, ty, true)
      this.t += Math.round(this.rng.between(30, 120) * MS)
      this.push(this.t, {
        type: MOUSE_RELEASED, x: this.x, y: this.y, button: 1, ...NO_MODIFIERS,
      })
    }
    // else: hovered and moved on, no click.
  }

  private scrolling(): void {
    if (this.rng.chance(0.5)) this.moveTo(...this.target())
    const bursts = this.rng.int(1, 4)
    const horizontal = this.rng.chance(0.04)
    for (let b = 0; b < bursts; b++) {
      const notches = this.rng.int(2, 25)
      const sign = this.rng.chance(0.8) ? 1 : -1
      for (let n = 0; n < notches; n++) {
        const rotation = sign * (this.rng.chance(0.1) ? 2 : 1)
        this.push(this.t, {
          type: MOUSE_WHEEL,
          x: this.x,
          y: this.y,
          amount: 3,
          rotation,
          direction: horizontal ? WHEEL_HORIZONTAL : WHEEL_VERTICAL,
          ...NO_MODIFIERS,
        })
        this.t += Math.round(this.rng.logNormal(45, 0.4) * MS)
      }

      this.t += Math.round(this.rng.logNormal(900, 0.6) * MS) // read, then scroll on
    }
  }
}

function clamp(value: number, min: number, max: number): number {
  return value < min ? min : (Math.min(value, max))
}

/** The next moment input is possible on the workday schedule (UTC), at or after `t`. */
function nextWorkingMoment(t: number, rng: Rng): number {
  for (;;) {
    const dayStart = Math.floor(t / DAY) * DAY
    const weekday = new Date(dayStart / 1000).getUTCDay()
    const offset = t - dayStart
    const begin = 9 * HOUR
    if (weekday === 0 || weekday === 6 || offset >= 18 * HOUR) {
      t = dayStart + DAY + begin + Math.round(rng.between(-20, 25) * MINUTE)
      continue
    }

    if (offset < begin) return dayStart + begin + Math.round(rng.between(-20, 25) * MINUTE)
    if (offset >= 12.5 * HOUR && offset < 13.5 * HOUR) return dayStart + 13.5 * HOUR + Math.round(rng.between(0, 15) * MINUTE)
    return t
  }
}

/**
 * The synthetic stream, in time order, until `durationMs` or `count` (whichever comes
 * first). Lazy: pull as many inputs as you need.
 */
export function * syntheticInputs(options: SyntheticOptions = {}): Generator<SyntheticInput, void, undefined> {
  const startMicros = options.startMicros ?? DEFAULT_SYNTHETIC_START_MICROS
  const endMicros = options.durationMs === undefined ? Number.POSITIVE_INFINITY : startMicros + options.durationMs * 1000
  const limit = options.count ?? Number.POSITIVE_INFINITY
  const workday = (options.schedule ?? 'workday') === 'workday'
  const desk = new Desk({seed: options.seed ?? 1, startMicros, screen: options.screen ?? {width: 2560, height: 1440}})
  if (workday) desk.t = Math.max(startMicros, nextWorkingMoment(desk.t, desk.rng))

  let emitted = 0
  let last = Number.NEGATIVE_INFINITY
  while (emitted < limit) {
    if (workday) {
      const next = nextWorkingMoment(desk.t, desk.rng)
      if (next !== desk.t) {
        desk.t = next
        desk.appUntil = Math.min(desk.appUntil, next) // back at the desk: whatever has focus now
      }
    }

    for (const input of desk.step()) {
      // Stamps never go backwards, as a wall clock read at receipt would not (jitter aside).
      if (input.tsMicros < last) input.tsMicros = last
      last = input.tsMicros
      if (input.tsMicros >= endMicros || emitted >= limit) return
      yield input
      emitted++
    }
  }
}
