import type {Level} from '../config/config.js'
import type {CapturedEvent} from './event.js'

import {EventQueue} from './event-queue.js'
import {MouseSampler} from './mouse-sampler.js'
import {normalise, type RawInput} from './normalise.js'

export interface RecorderOptions {
  level: Level
  mouseHz: number
  /** The most events held between flushes; beyond it new events are dropped and counted. */
  queueCapacity: number
}

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

  constructor(options: RecorderOptions) {
    this.level = options.level
    this.queue = new EventQueue(options.queueCapacity)
    this.sampler = new MouseSampler(options.mouseHz)
  }

  get dropped(): number {
    return this.queue.dropped
  }

  /** Events waiting for the writer. */
  get queued(): number {
    return this.queue.length
  }

  get ignored(): number {
    return this.ignoredWhilePaused
  }

  handle(raw: RawInput, tsMicros: number): void {
    if (this.isPaused(tsMicros / 1000)) {
      this.ignoredWhilePaused++
      return
    }

    const event = normalise(raw, this.level, tsMicros)
    if (!event) return
    if (event.kind === 'mouse_move') {
      for (const kept of this.sampler.offerMove(event, tsMicros / 1000)) this.queue.push(kept)
      return
    }

    const held = this.sampler.takePending()
    if (held) this.queue.push(held)
    this.queue.push(event)
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
    const held = this.sampler.takePending()
    if (held) this.queue.push(held)
    this.pausedIndefinitely = untilMs === undefined
    this.pausedUntilMs = untilMs ?? null
  }

  resume(): void {
    this.pausedIndefinitely = false
    this.pausedUntilMs = null
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
