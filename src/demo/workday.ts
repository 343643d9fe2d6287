import {Rng} from './rng.js'

const MINUTE = 60_000_000
const HOUR = 60 * MINUTE
const DAY = 24 * HOUR

/** A weekday's shape, as offsets (µs) from its UTC midnight; input happens in [begin, end) outside `away`. */
export interface DayPlan {
  begin: number
  end: number
  /** Lunch and meetings, in time order: nobody at the desk. */
  away: Array<readonly [number, number]>
}

/**
 * The `workday` schedule: weekdays from ~09:00 to ~18:00 UTC with lunch around 12:30 (45–70 min),
 * most days a stand-up around 10:00 (10–20 min) and every other day or so an afternoon meeting
 * (25–60 min, starting 14:30–16:30). Each day's plan comes from the seed and the day alone, so it
 * is the same however the stream is read, and is computed once.
 */
export class Workweek {
  private readonly plans = new Map<number, DayPlan | undefined>()

  constructor(private readonly seed: number) {}

  /** The plan of the day starting at `dayStart` (µs, UTC midnight); undefined at weekends. */
  plan(dayStart: number): DayPlan | undefined {
    const day = Math.floor(dayStart / DAY)
    if (this.plans.has(day)) return this.plans.get(day)
    const weekday = new Date(dayStart / 1000).getUTCDay()
    let plan: DayPlan | undefined
    if (weekday !== 0 && weekday !== 6) {
      const rng = new Rng((this.seed ^ Math.imul(day + 1, 0x9E_37_79_B1)) >>> 0)
      const minutes = (low: number, high: number): number => Math.round(rng.between(low, high) * MINUTE)
      const away: Array<readonly [number, number]> = []
      if (rng.chance(0.8)) {
        const standUp = 10 * HOUR + minutes(-5, 5)
        away.push([standUp, standUp + minutes(10, 20)])
      }

      const lunch = 12.5 * HOUR + minutes(-15, 10)
      away.push([lunch, lunch + minutes(45, 70)])
      if (rng.chance(0.5)) {
        const meeting = 14.5 * HOUR + minutes(0, 120)
        away.push([meeting, meeting + minutes(25, 60)])
      }

      plan = {begin: 9 * HOUR + minutes(-20, 25), end: 18 * HOUR + minutes(-20, 15), away}
    }

    this.plans.set(day, plan)
    return plan
  }

  /** The first moment at or after `t` (µs) when the person is at the desk. */
  nextWorkingMoment(t: number): number {
    for (;;) {
      const dayStart = Math.floor(t / DAY) * DAY
      const plan = this.plan(dayStart)
      const offset = t - dayStart
      if (!plan || offset >= plan.end) {
        t = dayStart + DAY
        continue
      }

      if (offset < plan.begin) return dayStart + plan.begin
      const away = plan.away.find(([from, to]) => offset >= from && offset < to)
      if (!away) return t
      t = dayStart + away[1]
    }
  }
}
