import type {Level} from '../core/level.js'
import type {CapturedEvent} from './event.js'

import {EventQueue} from './event-queue.js'
import {type Chord, ChordFilter} from './hotkey.js'
import {KeyPairing} from './key-pairing.js'
import {MouseSampler} from './mouse-sampler.js'
import {kindOf, normalise, type RawInput} from './normalise.js'

export interface RecorderOptions {
  level: Level
  mouseHz: number
  /** The most events held between flushes; beyond it new events are dropped and counted. */
  queueCapacity: number
  /** The panic chord that toggles pause (its keys are never recorded); null or absent: none. */
  hotkey?: Chord | null
  /** Told after the panic chord toggled pause. */
  onHotkey?: (paused: boolean) => void
}

/** The focused app as the recorder needs it: the name to store, and whether to record at all. */
export interface AppState {
  /** Stored in each event's `app` (null at level minimal, or when unknown). */
  app: null | string
  /** An excluded app has focus: nothing is recorded, only counted. */
  excluded: boolean
}

/** Events that may wait for the name of a newly focused app; past this they are dropped and counted. */
const PENDING_CAPACITY = 10_000

/**
 * Everything between the hook callback and the writer: pause state, level filtering,
 * mouse sampling, and the bounded queue. Cheap per event by design: it runs on the hook's
 * callback.
 */
export class Recorder {
  readonly level: Level
  private readonly queue: EventQueue<CapturedEvent>
  private readonly sampler: MouseSampler<CapturedEvent>
  private pausedUntilMs: null | number = null
  private pausedIndefinitely = false
  private ignoredWhilePaused = 0
  private readonly chord: ChordFilter
  private readonly pairing = new KeyPairing()
  private onHotkey: ((paused: boolean) => void) | undefined
  private app: AppState = {app: null, excluded: false}
  /** Focus moved and the new app's name is not known yet: events wait here, in order. */
  private isAppPending = false
  private pending: Array<{raw: RawInput; ts: number}> = []
  private pendingDropped = 0
  private excludedCount = 0
  /**
   * Told after every pause and resume, the panic hotkey's included (then from the hook's
   * callback: do no I/O in it, defer). The daemon saves the pause so a restart keeps it.
   */
  onPauseChange: (() => void) | undefined

  constructor(options: RecorderOptions) {
    this.level = options.level
    this.queue = new EventQueue(options.queueCapacity)
    this.sampler = new MouseSampler(options.mouseHz)
    this.onHotkey = options.onHotkey
    this.chord = new ChordFilter(options.hotkey ?? null, (raw, ts) => this.afterChord(raw, ts), () => this.toggleByHotkey())
  }

  get dropped(): number {
    return this.queue.dropped + this.pendingDropped
  }

  /** Input events not recorded because an excluded app had focus. */
  get excluded(): number {
    return this.excludedCount
  }

  /** The app events are attributed to now. */
  get currentApp(): AppState {
    return this.app
  }

  setHotkey(chord: Chord | null, onHotkey?: (paused: boolean) => void): void {
    this.chord.setChord(chord)
    if (onHotkey) this.onHotkey = onHotkey
  }

  /** Waiting to learn which app has focus. */
  get appPending(): boolean {
    return this.isAppPending
  }

  /** Focus moved: hold events until `setApp` says who has it (an excluded app must not leak its first keys). */
  appChanging(): void {
    this.isAppPending = true
  }

  /** Who has focus from now on; events held since `appChanging` are recorded (or excluded) as theirs. */
  setApp(state: AppState): void {
    // A held-back mouse move belongs to the app that had focus before.
    const held = this.sampler.takePending()
    if (held) this.queue.push(held)
    this.app = state
    this.isAppPending = false
    const {pending} = this
    if (pending.length === 0) return
    this.pending = []
    for (const {raw, ts} of pending) this.record(raw, ts)
  }

  /** Events waiting for the writer. */
  get queued(): number {
    return this.queue.length
  }

  get ignored(): number {
    return this.ignoredWhilePaused
  }

  /** Auto-repeat presses of held keys, not stored (src/capture/key-pairing.ts). */
  get repeats(): number {
    return this.pairing.repeats
  }

  handle(raw: RawInput, tsMicros: number): void {
    // Pairing sees every key event, paused or excluded too, so a key pressed before a pause and
    // released after it is still paired, and a held key's repeats never reach the chord filter.
    const kind = kindOf(raw)
    if (kind === 'key_down' || kind === 'key_up') {
      const key = {code: raw.keycode ?? 0, timeMs: raw.time ?? tsMicros / 1000, repeat: raw.repeat}
      const verdict = kind === 'key_down' ? this.pairing.press(key) : this.pairing.release(key)
      if (verdict.kind === 'repeat') return
      if (verdict.kind === 'release') raw.holdMs = verdict.holdMs
    }

    // The panic chord is seen even while paused (it resumes) and in excluded apps.
    this.chord.offer(raw, tsMicros)
  }

  /** What the chord filter lets through, in order, with original timestamps. */
  private afterChord(raw: RawInput, tsMicros: number): void {
    if (this.isPaused(tsMicros / 1000)) {
      this.ignoredWhilePaused++
      return
    }

    if (this.isAppPending) {
      if (this.pending.length < PENDING_CAPACITY) this.pending.push({raw, ts: tsMicros})
      else this.pendingDropped++
      return
    }

    this.record(raw, tsMicros)
  }

  private record(raw: RawInput, tsMicros: number): void {
    if (this.app.excluded) {
      // Not even the time: only that something happened.
      if (kindOf(raw)) this.excludedCount++
      return
    }

    const event = normalise(raw, this.level, tsMicros, this.app.app)
    if (!event) return
    if (event.kind === 'mouse_move') {
      if (this.sampler.admit(event, tsMicros / 1000)) this.queue.push(event)
      return
    }

    const held = this.sampler.takePending()
    if (held) this.queue.push(held)
    this.queue.push(event)
  }

  /** Let go of modifier presses held back for the hotkey (at shutdown: they were real input). */
  releaseHeld(): void {
    this.chord.release()
  }

  /** Everything captured since the last drain, oldest first (a held-back mouse move included). */
  drain(): CapturedEvent[] {
    const held = this.sampler.takePending()
    if (held) this.queue.push(held)
    return this.queue.drain()
  }

  /** Pause until `untilMs` (wall-clock ms), or until resumed when not given. */
  pause(untilMs?: number): void {
    // What was captured before the pause is kept; what is held back is released now.
    this.chord.release()
    const held = this.sampler.takePending()
    if (held) this.queue.push(held)
    this.pausedIndefinitely = untilMs === undefined
    this.pausedUntilMs = untilMs ?? null
    this.pauseChanged()
  }

  resume(): void {
    this.chord.release()
    this.pausedIndefinitely = false
    this.pausedUntilMs = null
    this.pauseChanged()
  }

  private pauseChanged(): void {
    try {
      this.onPauseChange?.()
    } catch {
      // A listener's failure must not reach the hook callback.
    }
  }

  private toggleByHotkey(): void {
    if (this.isPaused()) this.resume()
    else this.pause()
    try {
      this.onHotkey?.(this.isPaused())
    } catch {
      // A listener's failure must not reach the hook callback.
    }
  }

  isPaused(nowMs = Date.now()): boolean {
    if (this.pausedIndefinitely) return true
    if (this.pausedUntilMs === null) return false
    if (nowMs < this.pausedUntilMs) return true
    this.pausedUntilMs = null
    return false
  }

  /** When a timed pause ends, as wall-clock ms; null when not paused or paused until resumed. */
  get resumesAt(): null | number {
    return this.isPaused() ? this.pausedUntilMs : null
  }
}
