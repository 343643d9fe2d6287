/**
 * The SQLite baseline for bench/summarize: the same totals `devtrace summarize` computes, in
 * SQL, over a row-per-event table like selfspy's (one row per input event, an index on time),
 * with better-sqlite3 12. Prints the totals as JSON (same names as `summarize --json`).
 *
 *   node --import tsx bench/sqlite-summarize.ts FILE.sqlite [--idle 180]
 *
 * Table: events(ts INTEGER µs since the epoch, session_id, kind, key_code, key_class, x, y,
 * button, wheel_amount, wheel_direction, modifiers, app), rows in the order they were captured.
 */
// better-sqlite3 compiles from source where no prebuilt binary can be fetched, so it is not a
// project dependency: `npm run bench:summarize` installs it (--no-save) just for this baseline.
// eslint-disable-next-line import/no-unresolved
import Database from 'better-sqlite3'

const [file, ...rest] = process.argv.slice(2)
if (!file) throw new Error('usage: sqlite-summarize.ts FILE.sqlite [--idle SECONDS]')
const idleIndex = rest.indexOf('--idle')
const idleMicros = (idleIndex === -1 ? 180 : Number(rest[idleIndex + 1])) * 1_000_000

const db = new Database(file, {readonly: true})
db.pragma('temp_store = MEMORY')
db.pragma('cache_size = -1000000')

const counts = db.prepare(`SELECT count(*) AS events,
  sum(kind = 'key_down') AS keys,
  sum(kind = 'key_down' AND key_class = 'correction') AS corrections,
  sum(kind = 'mouse_down') AS clicks,
  sum(kind = 'wheel') AS wheel,
  min(ts) AS first_us, max(ts) AS last_us
  FROM events`).get() as Record<string, number>

// Gaps between consecutive events: active time and hesitations.
const gaps = db.prepare(`WITH g AS (SELECT ts - lag(ts) OVER (ORDER BY ts, rowid) AS gap FROM events)
  SELECT coalesce(sum(CASE WHEN gap < $idle THEN gap END), 0) AS active_us,
    coalesce(sum(gap >= 2000000 AND gap < 30000000 AND gap < $idle), 0) AS hesitations,
    coalesce(sum(CASE WHEN gap >= 2000000 AND gap < 30000000 AND gap < $idle THEN gap END), 0) AS hesitation_us
  FROM g`).get({idle: idleMicros}) as Record<string, number>

// Steps between consecutive recorded positions.
const distance = db.prepare(`WITH p AS (
    SELECT ts, x, y, lag(ts) OVER w AS pt, lag(x) OVER w AS px, lag(y) OVER w AS py
    FROM events WHERE kind IN ('mouse_move', 'mouse_down', 'mouse_up', 'wheel') AND x IS NOT NULL AND y IS NOT NULL
    WINDOW w AS (ORDER BY ts, rowid))
  SELECT coalesce(sum(CASE WHEN ts - pt < $idle THEN sqrt((x - px) * (x - px) + (y - py) * (y - py)) END), 0) AS px FROM p`).get({idle: idleMicros}) as {px: number}

// Key presses: inter-key intervals (whole ms) and bursts.
db.exec(`CREATE TEMP TABLE k AS SELECT ts, lag(ts, 1) OVER w AS k1, lag(ts, 2) OVER w AS k2, lag(ts, 3) OVER w AS k3,
  lag(ts, 4) OVER w AS k4, lag(ts, 5) OVER w AS k5
  FROM events WHERE kind = 'key_down' WINDOW w AS (ORDER BY ts, rowid)`)
const bursts = db.prepare(`SELECT count(*) AS n FROM k WHERE ts - k1 < 2000000 AND k1 - k2 < 2000000 AND k2 - k3 < 2000000
  AND k3 - k4 < 2000000 AND (k5 IS NULL OR k4 - k5 >= 2000000)`).get() as {n: number}
db.exec(`CREATE TEMP TABLE ki AS SELECT (ts - k1) / 1000 AS ms FROM k WHERE k1 IS NOT NULL AND ts - k1 < ${idleMicros} ORDER BY 1`)
const intervals = (db.prepare('SELECT count(*) AS n FROM ki').get() as {n: number}).n
const rank = (r: number): null | number => (intervals === 0 ? null : (db.prepare('SELECT ms FROM ki ORDER BY rowid LIMIT 1 OFFSET ?').get(r - 1) as {ms: number}).ms)

const activeSeconds = gaps.active_us / 1e6
const round = (value: number, digits: number): number => Math.round(value * 10 ** digits) / 10 ** digits
process.stdout.write(JSON.stringify({
  events: counts.events,
  active_seconds: round(activeSeconds, 3),
  keys: counts.keys,
  inter_key_ms: {p50: rank(Math.ceil(intervals / 2)), p90: rank(Math.ceil((9 * intervals) / 10)), intervals},
  bursts: bursts.n,
  hesitations: {count: gaps.hesitations, seconds: round(gaps.hesitation_us / 1e6, 3)},
  corrections: counts.corrections,
  clicks: counts.clicks,
  wheel: counts.wheel,
  mouse_distance_px: round(distance.px, 1),
}) + '\n')
db.close()
