/**
 * Re-identification, measured: could a recipient holding some of your days pick your other days
 * out of a crowd, from typing rhythm alone?
 *
 * Each day is a rhythm vector (median hold per key class, median gap per key-class pair: see
 * signals-sql.ts). The verifier is the scaled Manhattan detector of Killourhy & Maxion,
 * "Comparing Anomaly-Detection Algorithms for Keystroke Dynamics" (DSN 2009), one of the best of
 * the fourteen they benchmarked: a template is the mean of its enrolment vectors, and a sample's
 * distance is the sum over features of |x − mean| divided by the template's mean absolute deviation.
 *
 * You enrol on your first days (half, rounded up) and each later day is tested: it counts as
 * identified when your own template is the nearest of N (you plus the crowd). The rate is the
 * share of test days identified; picking at random scores 1/N (chance).
 *
 * The crowd is SIMULATED, not real people: each simulated typist's parameters are drawn from
 * population ranges published for keystroke timing — mean hold times of about 80–120 ms and
 * digraph latencies of about 100–300 ms across the 51 typists of the CMU keystroke benchmark
 * (Killourhy & Maxion 2009) — with per-key-class variation, right-skewed within-person variation
 * (log-normal) and a small day-to-day drift. Its days are sampled with as many samples per
 * feature as your days have, and rounded to the timing resolution of the output being judged, so
 * a profile that rounds times judges you and the crowd alike. Everything is drawn from a seeded
 * generator: the same data and seed give the same rate.
 */

/** One day's vector: feature name → median (ms), with the samples behind each median. */
export interface DayVector {
  day: string
  features: Record<string, {median_ms: number; samples: number}>
}

export interface Reidentification {
  /** Share of your test days whose nearest template is yours; null when there are fewer than two usable days. */
  rate: null | number
  /** 1/N: what picking a template at random scores. */
  chance: number
  /** Usable days (enough typing) and how many of them were tested (the rest enrolled). */
  days: number
  test_days: number
  /** Rhythm features the output lets a recipient compute on every usable day. */
  features: number
  /** Simulated typists in the crowd (N − 1). */
  crowd: number
  seed: number
}

export const DEFAULT_CROWD = 99
export const DEFAULT_SEED = 13
/** A day with fewer key presses than this is too short to say much; it is left out. */
export const MIN_DAY_PRESSES = 100

/** Population ranges (ms) the simulated crowd is drawn from; see the module comment for the source. */
export const POPULATION = {
  holdMeanMs: [80, 120],
  digraphMeanMs: [100, 300],
  /** A typist's own factor per key class or class pair, around their mean. */
  perFeatureFactor: [0.8, 1.25],
  /** Within-person spread of single keystrokes (σ of the log). */
  holdLogSigma: 0.25,
  digraphLogSigma: 0.45,
  /** Day-to-day drift of a typist's whole rhythm (σ of a multiplicative factor). */
  dayDrift: 0.04,
} as const

/** A template's scale never falls below this share of its mean (one enrolment day has no deviation). */
const MIN_SCALE_SHARE = 0.05

/** mulberry32: a small, fast, seeded generator; plenty for a simulation that must repeat exactly. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0
  return () => {
    state = (state + 0x6D_2B_79_F5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296
  }
}

function uniform(random: () => number, [low, high]: readonly number[]): number {
  return low + (random() * (high - low))
}

/** A standard normal draw (Box–Muller). */
function normal(random: () => number): number {
  const u = Math.max(random(), Number.EPSILON)
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random())
}

/** Round to the output's resolution (ms), as the output's own times are. */
function quantise(value: number, resolutionMs: number): number {
  return resolutionMs > 0.001 ? Math.round(value / resolutionMs) * resolutionMs : value
}

interface Typist {
  features: readonly string[]
  means: number[]
}

function simulateTypist(random: () => number, features: readonly string[]): Typist {
  const hold = uniform(random, POPULATION.holdMeanMs)
  const digraph = uniform(random, POPULATION.digraphMeanMs)
  return {
    features,
    means: features.map(feature => (feature.startsWith('hold:') ? hold : digraph) * uniform(random, POPULATION.perFeatureFactor)),
  }
}

/**
 * One simulated day of `typist`: each feature's median of as many samples as `samples` says. The
 * median of n log-normal samples is itself close to log-normal, with σ·√(π / 2n) as its log-spread
 * (the sample median's asymptotic spread; n is at least 20 here), so one draw stands for the n
 * samples: drawing them all took seconds per profile. Rounding is monotone, so the median of
 * rounded samples is the rounded median.
 */
function simulateDay(random: () => number, typist: Typist, samples: readonly number[], resolutionMs: number): number[] {
  const drift = 1 + (POPULATION.dayDrift * normal(random))
  return typist.features.map((feature, index) => {
    const hold = feature.startsWith('hold:')
    const sigma = hold ? POPULATION.holdLogSigma : POPULATION.digraphLogSigma
    // Holds are whole milliseconds (hold_ms); gaps are as fine as the output's press times.
    const step = hold ? 1 : resolutionMs
    const spread = sigma * Math.sqrt(Math.PI / (2 * samples[index]))
    return quantise(typist.means[index] * drift * Math.exp(spread * normal(random)), step)
  })
}

interface Template {
  mean: number[]
  scale: number[]
}

/** Killourhy & Maxion's scaled Manhattan template: the mean vector and the mean absolute deviation per feature. */
export function template(vectors: readonly number[][], minimumScale: number): Template {
  const count = vectors.length
  const mean = vectors[0].map((_, index) => vectors.reduce((sum, vector) => sum + vector[index], 0) / count)
  const scale = mean.map((centre, index) => {
    const deviation = vectors.reduce((sum, vector) => sum + Math.abs(vector[index] - centre), 0) / count
    return Math.max(deviation, Math.abs(centre) * MIN_SCALE_SHARE, minimumScale)
  })
  return {mean, scale}
}

export function scaledManhattan(vector: readonly number[], {mean, scale}: Template): number {
  return vector.reduce((sum, value, index) => sum + (Math.abs(value - mean[index]) / scale[index]), 0)
}

/**
 * Credit for one test: 1 when your template is strictly nearest, 1/k when it ties with k − 1
 * others for nearest (a guess among them), 0 otherwise. With no features every distance is 0,
 * every template ties, and the credit is exactly 1/N: chance.
 */
export function identificationCredit(own: number, others: readonly number[]): number {
  if (others.some(distance => distance < own)) return 0
  return 1 / (1 + others.filter(distance => distance === own).length)
}

export interface ReidentificationOptions {
  crowd?: number
  seed?: number
  /** Timing resolution of the output (ms), the crowd's samples are rounded to it. */
  resolutionMs?: number
}

/**
 * The re-identification rate of `days` (chronological; days with fewer than MIN_DAY_PRESSES
 * presses already dropped by the caller) against a simulated crowd. Uses the features present on
 * every day; none at all (an output without per-event key times) scores exactly chance, and
 * features on a single day cannot be tested (rate null).
 */
export function measureReidentification(days: readonly DayVector[], options: ReidentificationOptions = {}): Reidentification {
  const crowd = options.crowd ?? DEFAULT_CROWD
  const seed = options.seed ?? DEFAULT_SEED
  const resolutionMs = options.resolutionMs ?? 0.001
  const chance = 1 / (crowd + 1)
  const features = days.length === 0 ? [] : Object.keys(days[0].features).filter(feature => days.every(day => day.features[feature])).sort()
  const base = {
    chance, days: days.length, features: features.length, crowd, seed,
  }
  // Nothing to tell typists apart by: a recipient can only guess.
  if (features.length === 0) return {...base, rate: chance, test_days: Math.max(days.length - Math.ceil(days.length / 2), 0)}
  if (days.length < 2) return {...base, rate: null, test_days: 0}

  const enrolCount = Math.ceil(days.length / 2)
  const enrolDays = days.slice(0, enrolCount)
  const testDays = days.slice(enrolCount)
  const vector = (day: DayVector): number[] => features.map(feature => day.features[feature].median_ms)
  const minimumScale = Math.max(resolutionMs, 1)
  const own = template(enrolDays.map(day => vector(day)), minimumScale)

  const random = seededRandom(seed)
  const samples = (day: DayVector): number[] => features.map(feature => day.features[feature].samples)
  const others = Array.from({length: crowd}, () => {
    const typist = simulateTypist(random, features)
    return template(enrolDays.map(day => simulateDay(random, typist, samples(day), resolutionMs)), minimumScale)
  })

  let credit = 0
  for (const day of testDays) {
    const x = vector(day)
    credit += identificationCredit(scaledManhattan(x, own), others.map(other => scaledManhattan(x, other)))
  }

  return {...base, rate: credit / testDays.length, test_days: testDays.length}
}
