import type {KeyClass} from '../capture/event.js'

import {Rng} from './rng.js'

/**
 * One synthetic person's keystroke timing: the fingerprint a keystroke verifier learns, so the
 * demo's days can be told apart from other people's (and `exposure` has something to find).
 *
 * The person is drawn once from their own seed and stays the same on every day:
 * - hold (dwell) median of a letter: 80–120 ms; per key class a fixed factor on top (space
 *   1.05–1.3×, digits and punctuation 1.0–1.25×, enter/tab/arrows 1.0–1.35×, backspace
 *   0.8–1.05×); holds spread log-normally with σ 0.18–0.28.
 * - down-down latency median of letter → letter: 135–200 ms (a fast to average typist); every
 *   key-class pair has its own factor, a typical shape (a letter after a space is slower than
 *   one after a letter, reaching for punctuation or backspace slower still, a run of backspaces
 *   faster) times a personal factor e^N(0, 0.15); latencies spread log-normally with σ 0.35–0.5,
 *   so a fast typist often presses the next key before releasing the last (negative flight).
 * - a modifier's lead before the key of a chord (70–170 ms) and its lag after it (25–110 ms);
 *   the typo rate (2.5–4.5 % of characters).
 * These are within the ranges reported by Killourhy & Maxion (2009, "Comparing anomaly-detection
 * algorithms for keystroke dynamics", 51 typists: holds ~80–120 ms, down-down ~100–300 ms) and
 * Dhakal et al. (2018, "Observations on typing from 136 million keystrokes": mean inter-key
 * interval ~240 ms, rollover more common the faster people type).
 *
 * Day to day the person varies a little (`startDay`): the whole pace and all holds by e^N(0, 0.03)
 * and each pair by e^N(0, 0.04), far less than people differ from each other, which is what makes
 * a day's hold and digraph medians point back to the person. Across a day (`fatigue`) the pace
 * slows: a warm-up before 10:00, a dip after lunch (~14:00), a slow decline through the afternoon;
 * holds and typos follow it.
 */

/** The classes a typist's timing is modelled for; others (function keys) time like punctuation. */
const TIMED_CLASSES = ['letter', 'digit', 'space', 'punctuation', 'modifier', 'navigation', 'correction'] as const
type TimedClass = (typeof TIMED_CLASSES)[number]
const CLASS_INDEX = new Map<KeyClass, number>(TIMED_CLASSES.map((c, i) => [c, i]))
const PUNCTUATION_INDEX = TIMED_CLASSES.indexOf('punctuation')

/** A typical person's hold of each class relative to a letter: [low, high) of the personal factor. */
const HOLD_FACTORS: Record<TimedClass, readonly [number, number]> = {
  letter: [1, 1],
  digit: [1, 1.2],
  space: [1.05, 1.3],
  punctuation: [1, 1.25],
  modifier: [0.95, 1.2],
  navigation: [1, 1.35],
  correction: [0.8, 1.05],
}

/** A typical person's down-down latency of a class pair relative to letter → letter. */
function typicalPairFactor(from: TimedClass, to: TimedClass): number {
  if (to === 'correction') return from === 'correction' ? 0.75 : 1.8 // a typo is noticed, then backspace repeats
  if (from === 'correction') return 1.3
  if (to === 'digit' || to === 'punctuation') return from === to ? 0.95 : 1.45
  if (from === 'digit' || from === 'punctuation') return 1.2
  if (to === 'space') return 0.9
  if (from === 'space') return 1.15
  if (to === 'navigation' || from === 'navigation') return 1.4
  if (to === 'modifier') return 1.1 // reaching for shift
  return 1
}

export class Typist {
  /** Median hold of a letter, ms. */
  readonly holdMs: number
  /** Median down-down latency of letter → letter, ms. */
  readonly paceMs: number
  readonly holdSigma: number
  readonly paceSigma: number
  readonly chordLeadMs: number
  readonly chordLagMs: number
  readonly typoRate: number
  private readonly holdFactor: number[]
  /** Personal pair factors, [from * n + to]. */
  private readonly pairFactor: number[]
  private dayHold = 1
  private dayPace = 1
  private readonly dayPair: number[]

  constructor(seed: number) {
    // Its own stream: the person is the same whatever the desk around them does.
    const rng = new Rng((seed ^ 0x5E_ED_7E_57) >>> 0)
    this.holdMs = rng.between(80, 120)
    this.paceMs = rng.between(135, 200)
    this.holdSigma = rng.between(0.18, 0.28)
    this.paceSigma = rng.between(0.35, 0.5)
    this.chordLeadMs = rng.between(70, 170)
    this.chordLagMs = rng.between(25, 110)
    this.typoRate = rng.between(0.025, 0.045)
    this.holdFactor = TIMED_CLASSES.map(c => rng.between(...HOLD_FACTORS[c]))
    this.pairFactor = []
    for (const from of TIMED_CLASSES) {
      for (const to of TIMED_CLASSES) this.pairFactor.push(typicalPairFactor(from, to) * Math.exp(rng.normal(0, 0.15)))
    }

    this.dayPair = this.pairFactor.map(() => 1)
  }

  /** A new day: the person's small day-to-day variation, drawn from the desk's stream. */
  startDay(rng: Rng): void {
    this.dayHold = Math.exp(rng.normal(0, 0.03))
    this.dayPace = Math.exp(rng.normal(0, 0.03))
    for (let i = 0; i < this.dayPair.length; i++) this.dayPair[i] = Math.exp(rng.normal(0, 0.04))
  }

  /** A hold of a key of class `keyClass`, whole ms (the hook's clocks tick in ms). */
  hold(rng: Rng, keyClass: KeyClass, fatigue: number): number {
    const median = this.holdMs * this.holdFactor[indexOf(keyClass)] * this.dayHold * (1 + (fatigue - 1) * 0.5)
    return Math.round(Math.min(Math.max(rng.logNormal(median, this.holdSigma), 30), 400))
  }

  /** Down-down latency from a key of class `from` to the next of class `to`, whole ms. */
  latency(rng: Rng, from: KeyClass, to: KeyClass, fatigue: number): number {
    const i = indexOf(from) * TIMED_CLASSES.length + indexOf(to)
    const median = this.paceMs * this.pairFactor[i] * this.dayPair[i] * this.dayPace * fatigue
    return Math.round(Math.min(Math.max(rng.logNormal(median, this.paceSigma), 40), 1200))
  }
}

function indexOf(keyClass: KeyClass): number {
  return CLASS_INDEX.get(keyClass) ?? PUNCTUATION_INDEX
}

/**
 * How much slower than at their best the person types at `hourOfDay` (UTC, fractional): 1 at
 * 10:00–12:00, up to ~1.06 at 09:00 (warming up), ~1.08 more around 14:00 (after lunch), and a
 * decline of 3.5 % an hour after 13:00 (tiredness). Corrections and holds follow it.
 */
export function fatigue(hourOfDay: number): number {
  const warmUp = hourOfDay < 10 && hourOfDay >= 8 ? Math.min(0.06 * (10 - hourOfDay), 0.06) : 0
  const postLunch = 0.08 * Math.exp(-(((hourOfDay - 14) / 0.6) ** 2))
  const tiredness = hourOfDay > 13 && hourOfDay < 20 ? 0.035 * (hourOfDay - 13) : 0
  return 1 + warmUp + postLunch + tiredness
}
