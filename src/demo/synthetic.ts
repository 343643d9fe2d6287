import type {KeyClass} from '../capture/event.js'
import type {RawInput} from '../capture/normalise.js'

import {keyClassOf} from '../capture/key-class.js'
import {
  KEY_PRESSED, KEY_RELEASED, MOUSE_DRAGGED, MOUSE_MOVED, MOUSE_PRESSED, MOUSE_RELEASED, MOUSE_WHEEL, WHEEL_HORIZONTAL, WHEEL_VERTICAL,
} from '../capture/uiohook-types.js'
import {Rng} from './rng.js'
import {fatigue, Typist} from './typist.js'
import {Workweek} from './workday.js'

export {Rng} from './rng.js'

/**
 * Deterministic synthetic input: a plausible day at a desk, as the raw uiohook events the
 * daemon would receive, with the wall-clock time it would stamp them with and the app that
 * had focus. Used by `devtrace demo` and the benchmarks, so it must never touch the real
 * hook, the clock or `Math.random`: the same options always give the same stream.
 *
 * What it models, roughly:
 * - one person typing (src/demo/typist.ts): words in bursts, with that person's own hold times
 *   per key class and down-down latencies per key-class pair, stable across days, slower and
 *   more error-prone after lunch and late in the afternoon; shift for capitals, rollover (the
 *   next key pressed before the last is released), backspace corrections, enter; every key
 *   release carries its hold (`holdMs`, whole ms, the release stamped exactly that long after
 *   its press), as the daemon's key pairing would give it;
 * - shortcuts: ctrl+s, ctrl+c … ctrl+v under one ctrl, ctrl+t/w/l/f in a browser, ctrl+r in a
 *   shell, alt+tab, meta+space, the modifier's own press and release around the key;
 * - smooth pointer paths (minimum-jerk with a slight curve and hand jitter) reported at a
 *   60–120 Hz poll, ending in a click, double click, right click or a short drag;
 * - wheel bursts (one notch every 20–80 ms);
 * - the app with focus (`code`, `firefox`, `slack`, `terminal`), which shapes the mix (more
 *   typing in an editor, more scrolling in a browser): focus sessions in the editor (~14 min
 *   median) and terminal (~6 min), short visits to the browser and chat, and interruptions: a
 *   switch to chat or the browser and back within 15–100 s, every ~9 min of focused work;
 * - idle gaps: hesitations of 2–30 s, breaks of minutes, and, on the `workday` schedule
 *   (src/demo/workday.ts), nights, weekends, lunch and meetings with no input at all.
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
   * `workday` (default): input on weekdays ~09:00–18:00 UTC, but not at lunch (~12:30, ~1 h)
   * or in meetings, so a duration of days looks like days. `continuous`: a desk that never sleeps.
   */
  schedule?: 'continuous' | 'workday'
  /** Seed of the person typing (src/demo/typist.ts). Default: `seed`. The same typist with another `seed` is the same person on other days. */
  typist?: number
  /** Screen size in pixels. Default 2560×1440. */
  screen?: {height: number; width: number}
}

export const DEFAULT_SYNTHETIC_START_MICROS = Date.UTC(2025, 2, 3, 9, 0, 0) * 1000

// libuiohook key codes (VC_*).

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
  x: 45,
  t: 20,
  w: 17,
  l: 38,
  f: 33,
  r: 19,
  k: 37,
  p: 25,
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
  /** How long focus stays, unless interrupted: log-normal median (minutes) and spread. */
  stint: readonly [number, number]
  /** Focused work here is interrupted now and then (a chat, a look at the browser). */
  focus: boolean
  /** Shortcuts people press here, each a modifier and the keys pressed under one hold of it. */
  shortcuts: ReadonlyArray<readonly [Chord, number]>
}

type Activity = 'mouse' | 'scroll' | 'shortcut' | 'typing'
type Chord = readonly [modifier: 'alt' | 'ctrl' | 'meta', keys: readonly number[]]

const APPS: Record<SyntheticApp, AppProfile> = {
  code: {
    weight: 4,
    activities: [['typing', 6], ['mouse', 2.5], ['scroll', 1.5], ['shortcut', 0.6]],
    symbols: 0.18,
    stint: [14, 0.5],
    focus: true,
    shortcuts: [[['ctrl', [VC.s]], 5], [['ctrl', [VC.c, VC.v]], 3], [['ctrl', [VC.z]], 2], [['ctrl', [VC.x]], 1], [['ctrl', [VC.f]], 1], [['ctrl', [VC.p]], 1.5]],
  },
  firefox: {
    weight: 3,
    activities: [['typing', 1.5], ['mouse', 5], ['scroll', 3.5], ['shortcut', 1]],
    symbols: 0.05,
    stint: [3, 0.8],
    focus: false,
    shortcuts: [[['ctrl', [VC.t]], 2], [['ctrl', [VC.w]], 2], [['ctrl', [VC.l]], 2], [['ctrl', [VC.f]], 1], [['ctrl', [VC.r]], 1], [['alt', [VC.left]], 1.5], [['ctrl', [VC.c]], 1]],
  },
  slack: {
    weight: 2,
    activities: [['typing', 5], ['mouse', 3], ['scroll', 2], ['shortcut', 0.3]],
    symbols: 0.04,
    stint: [1.5, 0.7],
    focus: false,
    shortcuts: [[['ctrl', [VC.k]], 2], [['alt', [VC.up]], 1], [['ctrl', [VC.v]], 1]],
  },
  terminal: {
    weight: 2,
    activities: [['typing', 7.5], ['mouse', 1.5], ['scroll', 1], ['shortcut', 0.5]],
    symbols: 0.2,
    stint: [6, 0.6],
    focus: true,
    shortcuts: [[['ctrl', [VC.c]], 3], [['ctrl', [VC.r]], 2], [['ctrl', [VC.l]], 1.5], [['ctrl', [VC.v]], 1]],
  },
}
const APP_WEIGHTS = SYNTHETIC_APPS.map(app => [app, APPS[app].weight] as const)
/** Where focused work goes when interrupted. */
const INTERRUPTERS: ReadonlyArray<readonly [SyntheticApp, number]> = [['slack', 3], ['firefox', 2]]
const MODIFIER_KEYS = {alt: VC.alt, ctrl: VC.ctrl, meta: VC.meta} as const
const MODIFIER_FLAGS = {alt: 'altKey', ctrl: 'ctrlKey', meta: 'metaKey'} as const
/** Modifier keys: a release of one carries no flags (only one is ever held here). */
const HELD_MODIFIERS = new Set<number>([VC.alt, VC.ctrl, VC.meta, VC.shift])

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

/** The last release of a key code, which a new press of that code must not precede. */
interface Release {
  input: SyntheticInput
  downMicros: number
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
  private readonly typist: Typist
  private block: SyntheticInput[] = []
  private day = Number.NaN
  /** `fatigue()` at the start of the current activity. */
  private tired = 1
  /** During an interruption: the app to go back to and until when it keeps focus then. */
  private home: undefined | {app: SyntheticApp; until: number}
  private nextInterruption = Number.POSITIVE_INFINITY
  private readonly released = new Map<number, Release>()
  /** Typing: when the last key went down and its class (the next key's latency depends on both). */
  private keyAt = 0
  private lastClass: KeyClass | undefined

  constructor(options: Required<Pick<SyntheticOptions, 'screen' | 'seed' | 'startMicros' | 'typist'>>) {
    this.rng = new Rng(options.seed)
    this.typist = new Typist(options.typist)
    this.t = options.startMicros
    this.width = options.screen.width
    this.height = options.screen.height
    this.x = Math.round(this.width / 2)
    this.y = Math.round(this.height / 2)
    this.app = this.rng.weighted(APP_WEIGHTS)
    this.appUntil = this.t + this.appStint(this.app)
  }

  /** Inputs of the next activity (or nothing, for an idle gap), in time order. */
  step(): SyntheticInput[] {
    this.block = []
    const day = Math.floor(this.t / DAY)
    if (day !== this.day) {
      this.day = day
      this.typist.startDay(this.rng)
    }

    this.tired = fatigue((this.t - day * DAY) / HOUR)
    if (this.t >= this.appUntil) this.switchApp()
    else if (this.t >= this.nextInterruption && !this.home) this.interrupt()
    const activity = this.rng.weighted(APPS[this.app].activities)
    switch (activity) {
    case 'mouse': {
      this.pointing()
      break
    }

    case 'scroll': {
      this.scrolling()
      break
    }

    case 'shortcut': {
      this.chord(this.rng.weighted(APPS[this.app].shortcuts))
      break
    }

    case 'typing': {
      this.typing()
      break
    }
    }

    const {block} = this
    // Key releases can land after the next press (rollover): keep the block in time order.
    block.sort((a, b) => a.tsMicros - b.tsMicros)
    const last = block.at(-1)
    if (last && last.tsMicros > this.t) this.t = last.tsMicros
    this.t += this.gap()
    return block
  }

  /** Back at the desk after a break (night, lunch, a meeting): whatever has focus now is a fresh start. */
  resume(at: number): void {
    this.t = at
    this.appUntil = Math.min(this.appUntil, at)
    this.home = undefined
  }

  private appStint(app: SyntheticApp): number {
    const [median, sigma] = APPS[app].stint
    return Math.round(Math.min(this.rng.logNormal(median * MINUTE, sigma), 50 * MINUTE))
  }

  private switchApp(): void {
    if (this.home) {
      // Back from an interruption to the work it broke off.
      const {app, until} = this.home
      this.home = undefined
      this.focus(app)
      this.appUntil = Math.max(until, this.t + 30 * SECOND)
      return
    }

    let next = this.rng.weighted(APP_WEIGHTS)
    if (next === this.app) next = this.rng.pick(SYNTHETIC_APPS.filter(a => a !== this.app))
    this.focus(next)
    this.appUntil = this.t + this.appStint(next)
    this.nextInterruption = APPS[next].focus ? this.t + Math.round(this.rng.logNormal(9 * MINUTE, 0.5)) : Number.POSITIVE_INFINITY
  }

  /** A chat or a look at the browser in the middle of focused work, back within 15–100 s. */
  private interrupt(): void {
    const away = this.rng.weighted(INTERRUPTERS.filter(([app]) => app !== this.app))
    const length = Math.round(this.rng.between(15, 100) * SECOND)
    this.home = {app: this.app, until: this.appUntil + length}
    this.focus(away)
    this.appUntil = this.t + length
    this.nextInterruption = this.home.until + Math.round(this.rng.logNormal(9 * MINUTE, 0.5))
  }

  /** Give `app` focus: mostly by alt+tab (focus changes once tab is pressed), otherwise by a click. */
  private focus(app: SyntheticApp): void {
    if (this.rng.chance(0.6)) {
      this.chord(['alt', [VC.tab]], () => {
        this.app = app
      })
    } else {
      this.app = app
      this.moveTo(this.rng.int(0, this.width - 1), this.rng.int(0, 40))
      this.click(1, 1)
    }
  }

  /** Time between activities: mostly short, sometimes a hesitation, now and then a break. */
  private gap(): number {
    const r = this.rng.next()
    if (r < 0.7) return Math.round(this.rng.between(150, 1500) * MS)
    if (r < 0.97) return Math.round(Math.min(this.rng.logNormal(5 * SECOND, 0.7), 30 * SECOND))
    if (r < 0.995) return Math.round(this.rng.between(30, 170) * SECOND)
    return Math.round(this.rng.logNormal(8 * MINUTE, 0.6))
  }

  private push(tsMicros: number, raw: RawInput): void {
    this.block.push({tsMicros, app: this.app, raw})
  }

  /**
   * A key held `holdMs` from `down` (µs): its release is stamped exactly that much later and
   * carries the hold. A modifier's own press carries its flag and its release does not, as
   * uiohook reports them (the mask is set before a press is dispatched, cleared before a release).
   */
  private key(code: number, down: number, holdMs: number, mods: Modifiers = NO_MODIFIERS): SyntheticInput {
    // Nobody presses a key again before releasing it: end the earlier hold just before. (The
    // daemon would take such a press for auto-repeat and drop it.)
    const previous = this.released.get(code)
    if (previous && previous.input.tsMicros > down - 8 * MS) {
      const hold = Math.max(Math.floor((down - 8 * MS - previous.downMicros) / MS), 1)
      previous.input.tsMicros = previous.downMicros + hold * MS
      previous.input.raw.holdMs = hold
    }

    this.push(down, {type: KEY_PRESSED, keycode: code, ...mods})
    const up = down + holdMs * MS
    this.push(up, {
      type: KEY_RELEASED, keycode: code, holdMs, ...(HELD_MODIFIERS.has(code) ? NO_MODIFIERS : mods),
    })
    const release = this.block.at(-1)!
    this.released.set(code, {input: release, downMicros: down})
    return release
  }

  /** The next key of a typing run: pressed the typist's latency after the last one. */
  private type(code: number, mods: Modifiers = NO_MODIFIERS): void {
    const keyClass = keyClassOf(code)
    this.keyAt = this.nextKeyAt(keyClass)
    this.key(code, this.keyAt, this.typist.hold(this.rng, keyClass, this.tired), mods)
  }

  private nextKeyAt(keyClass: KeyClass): number {
    const at = this.lastClass === undefined ? this.keyAt : this.keyAt + this.typist.latency(this.rng, this.lastClass, keyClass, this.tired) * MS
    this.lastClass = keyClass
    return at
  }

  /** A shifted character: shift down, the key, then shift up a moment after the key. */
  private typeShifted(code: number): void {
    const shiftDown = this.nextKeyAt('modifier')
    this.keyAt = shiftDown
    const keyClass = keyClassOf(code)
    this.keyAt = this.nextKeyAt(keyClass)
    const hold = this.typist.hold(this.rng, keyClass, this.tired)
    const lag = Math.round(this.rng.logNormal(this.typist.chordLagMs, 0.3))
    const shift = {...NO_MODIFIERS, shiftKey: true}
    this.key(VC.shift, shiftDown, (this.keyAt - shiftDown) / MS + hold + lag, shift)
    this.key(code, this.keyAt, hold, shift)
  }

  /**
   * A shortcut from `this.t`: the modifier down, its keys pressed under it (ctrl+c … ctrl+v a
   * moment apart), the modifier up. `onFirstKey` runs as the first key goes down (alt+tab moves
   * focus then).
   */
  private chord([modifier, keys]: Chord, onFirstKey?: () => void): void {
    const mods = {...NO_MODIFIERS, [MODIFIER_FLAGS[modifier]]: true}
    const down = this.t
    const presses: Array<readonly [code: number, at: number, holdMs: number]> = []
    let at = down + Math.round(this.rng.logNormal(this.typist.chordLeadMs, 0.3)) * MS
    let up = at
    for (const code of keys) {
      const hold = this.typist.hold(this.rng, keyClassOf(code), this.tired)
      presses.push([code, at, hold])
      up = at + hold * MS
      at = up + Math.round(this.rng.between(250, 900)) * MS // select, move, then the next key
    }

    const release = up + Math.round(this.rng.logNormal(this.typist.chordLagMs, 0.3)) * MS
    const modifierUp = this.key(MODIFIER_KEYS[modifier], down, (release - down) / MS, mods)
    onFirstKey?.()
    modifierUp.app = this.app // released where focus is by then
    for (const [code, keyAt, hold] of presses) this.key(code, keyAt, hold, mods)
    this.t = release + Math.round(this.rng.between(150, 400) * MS)
  }

  private typing(): void {
    const profile = APPS[this.app]
    const words = this.rng.int(2, 18)
    const typoRate = this.typist.typoRate * (1 + 3 * (this.tired - 1))
    this.keyAt = this.t
    this.lastClass = undefined
    for (let w = 0; w < words; w++) {
      const length = Math.max(1, Math.round(this.rng.logNormal(4.5, 0.45)))
      const capital = this.rng.chance(0.08)
      for (let i = 0; i < length; i++) {
        if (this.rng.chance(profile.symbols)) {
          const shifted = this.rng.chance(0.35)
          const code = this.rng.chance(0.35) ? this.rng.pick(DIGITS) : this.rng.pick(PUNCTUATION)
          if (shifted) this.typeShifted(code)
          else this.type(code)
        } else if (i === 0 && capital) {
          this.typeShifted(this.rng.weighted(LETTERS))
        } else {
          this.type(this.rng.weighted(LETTERS))
        }

        // A typo noticed a few keys later: backspace it away and retype.
        if (this.rng.chance(typoRate)) {
          const back = this.rng.int(1, 3)
          this.keyAt += Math.round(this.rng.between(100, 400) * MS)
          for (let b = 0; b < back; b++) this.type(VC.backspace)
          for (let b = 0; b < back; b++) this.type(this.rng.weighted(LETTERS))
        }
      }

      // Word boundary: usually a space, sometimes the end of a line.
      const end = this.app === 'terminal' || this.app === 'code' ? 0.12 : 0.05
      this.type(this.rng.chance(end) ? VC.enter : VC.space)
      if (this.rng.chance(0.06)) this.keyAt += Math.round(this.rng.between(0.4, 1.6) * SECOND) // a pause mid-sentence
    }

    this.t = this.keyAt + Math.round(this.rng.between(150, 400) * MS)
    const r = this.rng.next()
    if (r < 0.15) {
      this.chord(['ctrl', [this.app === 'terminal' ? VC.c : VC.s]])
    } else if (r < 0.25) {
      // A few arrow presses (navigation); auto-repeat is not stored, so none is made.
      const n = this.rng.int(1, 6)
      this.keyAt = this.t
      this.lastClass = undefined
      for (let i = 0; i < n; i++) this.type(this.rng.pick(ARROWS))
      this.t = this.keyAt
    } else if (r < 0.27) {
      this.keyAt = this.t
      this.lastClass = undefined
      this.type(VC.escape)
    } else if (r < 0.29) {
      this.chord(['meta', [VC.space]])
    }
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

/**
 * The synthetic stream, in time order, until `durationMs` or `count` (whichever comes
 * first). Lazy: pull as many inputs as you need.
 */
export function * syntheticInputs(options: SyntheticOptions = {}): Generator<SyntheticInput, void, undefined> {
  const startMicros = options.startMicros ?? DEFAULT_SYNTHETIC_START_MICROS
  const endMicros = options.durationMs === undefined ? Number.POSITIVE_INFINITY : startMicros + options.durationMs * 1000
  const limit = options.count ?? Number.POSITIVE_INFINITY
  const workday = (options.schedule ?? 'workday') === 'workday'
  const seed = options.seed ?? 1
  const desk = new Desk({
    seed, typist: options.typist ?? seed, startMicros, screen: options.screen ?? {width: 2560, height: 1440},
  })
  const week = workday ? new Workweek(seed) : undefined
  if (week) desk.t = week.nextWorkingMoment(desk.t)

  let emitted = 0
  let last = Number.NEGATIVE_INFINITY
  while (emitted < limit) {
    if (week) {
      const next = week.nextWorkingMoment(desk.t)
      if (next !== desk.t) desk.resume(next)
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
