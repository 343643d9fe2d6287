import {seededRandom} from '../../src/privacy/reidentification.js'

/**
 * Hand-built typing for exposure tests: one typist with stable habits (log-normal holds and gaps
 * around fixed medians per key class, day after day), as INSERT value tuples in the column order
 * of `events`.
 */
export const DAY_US = 86_400_000_000
export const T0 = Date.UTC(2026, 0, 5, 9, 0, 0) * 1000 // Monday 2026-01-05 09:00 UTC, in µs

/** One typist with stable habits: log-normal holds and gaps around fixed medians, day after day. */
interface Habits {
  holdMs: Record<string, number>
  gapMs: Record<string, number>
}

const TYPIST: Habits = {
  holdMs: {letter: 92, space: 118, punctuation: 104},
  gapMs: {
    'letter>letter': 164, 'letter>space': 132, 'space>letter': 236, 'letter>punctuation': 281, 'punctuation>space': 121,
  },
}

export type Level = 'full' | 'standard'

/**
 * `days` days of input as INSERT value tuples (the events columns in order): words of letters
 * separated by spaces, now and then a full stop; each press followed by its release with hold_ms;
 * a few mouse moves and clicks; two apps. Day one starts at `startMicros` (default T0).
 */
export function typingDays(days: number, options: {level: Level; pressesPerDay: number; seed: number; startMicros?: number}): string[] {
  const random = seededRandom(options.seed)
  const normal = (): number => Math.sqrt(-2 * Math.log(Math.max(random(), 1e-12))) * Math.cos(2 * Math.PI * random())
  const logNormal = (median: number, sigma: number): number => median * Math.exp(sigma * normal())
  const rows: string[] = []
  const row = (us: number, kind: string, fields: {code?: number; cls?: string; x?: number; y?: number; button?: number; app: string; hold?: number}): void => {
    const code = options.level === 'full' && fields.code !== undefined ? fields.code : 'NULL'
    const value = (v: number | string | undefined): string => (v === undefined ? 'NULL' : (typeof v === 'string' ? `'${v}'` : String(v)))
    const position = `${value(fields.x)}, ${value(fields.y)}, ${value(fields.button)}`
    rows.push(`(make_timestamp(${Math.round(us)}::BIGINT), 1, '${kind}', ${code}, ${value(fields.cls)}, ${position}, NULL, NULL, NULL, '${fields.app}', ${value(fields.hold)})`)
  }

  for (let day = 0; day < days; day++) {
    let us = (options.startMicros ?? T0) + (day * DAY_US)
    let previous = 'space'
    let wordLeft = 0
    for (let press = 0; press < options.pressesPerDay; press++) {
      let cls: string
      if (wordLeft > 0) {
        cls = 'letter'
        wordLeft--
      } else if (previous === 'letter') {
        cls = random() < 0.15 ? 'punctuation' : 'space'
      } else if (previous === 'punctuation') {
        cls = 'space'
      } else {
        cls = 'letter'
        wordLeft = 2 + Math.floor(random() * 6)
      }

      const gap = TYPIST.gapMs[`${previous}>${cls}`] ?? 200
      us += logNormal(gap, 0.35) * 1000
      const hold = Math.round(logNormal(TYPIST.holdMs[cls], 0.2))
      const code = cls === 'letter' ? 16 + Math.floor(random() * 20) : (cls === 'space' ? 57 : 52)
      const app = press < options.pressesPerDay / 2 ? 'code' : 'firefox'
      row(us, 'key_down', {code, cls, app})
      row(us + (hold * 1000), 'key_up', {
        code, cls, app, hold,
      })
      if (press % 50 === 0) {
        row(us + 2000, 'mouse_move', {x: 100 + press, y: 200 + day, app})
        row(us + 4000, 'mouse_move', {x: 300 + press, y: 400, app})
        row(us + 6000, 'mouse_down', {
          x: 300 + press, y: 400, button: 1, app,
        })
      }

      previous = cls
    }
  }

  return rows
}

