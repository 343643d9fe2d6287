import assert from 'node:assert/strict'
import {existsSync, readFileSync} from 'node:fs'
import path from 'node:path'
import {describe, test} from 'node:test'

import {type Sandbox, waitFor} from '../helpers/cli.js'
import {queryFile, writeFile} from '../helpers/db.js'
import {usePrivateDisplay} from '../helpers/display-suite.js'
import {e2eSkipReason, xdotool} from '../helpers/xvfb.js'

const skip = e2eSkipReason()

const MS = 1000
const MINUTE = 60_000 * MS
const DAY = 86_400_000 * MS
const SENTINEL = 'SENTINEL-compacted-e2e-0b5f'

function bytesOf(file: string): Buffer {
  return existsSync(file) ? readFileSync(file) : Buffer.alloc(0)
}

const ts = (micros: number): string => `make_timestamp(${micros}::BIGINT)`
const between = (since: number, until: number, column = 'ts'): string => `${column} >= ${ts(since)} AND ${column} < ${ts(until)}`
const iso = (micros: number): string => new Date(micros / MS).toISOString()

/**
 * `minutes` of input as compaction leaves it: a keystroke every 300 ms (held 40–130 ms, one row
 * for press and release), a pointer move every 50 ms and a click a second, with app `app` (NULL
 * on every fourth keystroke).
 */
function compactedBlock(startMicros: number, minutes: number, session: number, app: string): string {
  return `
    INSERT INTO events_keys SELECT make_timestamp(${startMicros} + i * 300000), ${session}, 40 + i % 10 * 10, 30 + i % 9, 'letter',
      CASE WHEN i % 5 = 0 THEN 'shift' END, NULL, 39 + i % 10 * 10, CASE WHEN i % 4 <> 0 THEN '${app}' END FROM range(${minutes * 200}) t(i);
    INSERT INTO events_moves SELECT make_timestamp(${startMicros} + i * 50000 + 7000), ${session}, 150 + i % 300, 220 + i % 170, '${app}'
      FROM range(${minutes * 1200}) t(i);
    INSERT INTO events_other (ts, session_id, kind, x, y, button, app) SELECT make_timestamp(${startMicros} + i * 1000000 + 11000), ${session},
      'mouse_down', 640, 480, 1, '${app}' FROM range(${minutes * 60}) t(i);`
}

describe('forget and redact on a database whose history is compacted (daemon running)', {skip}, () => {
  const x = usePrivateDisplay()

  const database = (s: Sandbox): string => path.join(s.home, 'devtrace.duckdb')

  async function json<T>(s: Sandbox, args: string[]): Promise<T> {
    const result = await s.run([...args, '--json'], {timeoutMs: 180_000})
    assert.equal(result.code, 0, `${args.join(' ')}: ${result.stderr}${result.stdout}`)
    return JSON.parse(result.stdout) as T
  }

  test('exact counts through `events`, keystrokes split at both bounds keep their outside halves, the range gone from the file and its WAL', async () => {
    const s = x.sandbox()
    const file = database(s)
    // Today's input, typed for real: it stays in events_live.
    assert.equal((await s.run(['start', '--level', 'full', '--mouse-hz', '0'])).code, 0)
    xdotool(x.display, 'type', '--delay', '20', 'abc')
    await waitFor(async () => (JSON.parse((await s.run(['status', '--json'])).stdout) as {events_total: number}).events_total === 6, 'six key events flushed')
    assert.equal((await s.run(['stop'])).code, 0)

    // Three days of history before today, compacted: the middle block is forgotten, a later one redacted.
    const today = Math.floor(Date.now() * MS / DAY) * DAY
    const before = today - 3 * DAY + 9 * 60 * MINUTE
    const since = today - 2 * DAY + 9 * 60 * MINUTE
    const until = since + 10 * MINUTE
    const redactSince = today - DAY + 9 * 60 * MINUTE
    const redactUntil = redactSince + 5 * MINUTE
    await writeFile(file, `
      ${compactedBlock(before, 10, 7, 'keep-before')}
      ${compactedBlock(since - 2 * MINUTE, 14, 8, 'around')}
      ${compactedBlock(redactSince - MINUTE, 10, 9, 'keep-after')}
      -- One key pressed 20 ms before each bound and released 30 ms after it.
      INSERT INTO events_keys VALUES
        (${ts(since - 20 * MS)}, 8, 50, 60, 'modifier', 'ctrl', NULL, 49, 'edge'),
        (${ts(until - 20 * MS)}, 8, 50, 61, 'modifier', NULL, 'alt', 51, 'edge'),
        (${ts(redactUntil - 20 * MS)}, 9, 50, 62, 'modifier', 'ctrl', 'ctrl', 50, 'edge');
      -- What is typed inside the range carries the sentinel (some rows keep a NULL app).
      UPDATE events_keys SET app = '${SENTINEL}' WHERE app = 'around' AND ${between(since, until)} AND ${between(since, until, 'ts + to_milliseconds(up_after_ms)')};
      UPDATE events_moves SET app = '${SENTINEL}' WHERE app = 'around' AND ${between(since, until)};
      UPDATE events_other SET app = '${SENTINEL}' WHERE app = 'around' AND ${between(since, until)};
      INSERT INTO sessions (started_at, ended_at, level, backend) VALUES (${ts(since + MINUTE)}, ${ts(since + 2 * MINUTE)}, 'full', 'hook');
    `)

    const [layout] = await queryFile(file, `SELECT (SELECT count(*) FROM events_live WHERE ts < ${ts(today)})::INTEGER AS old_live,
      (SELECT count(*) FROM events_live)::INTEGER AS live, (SELECT count(*) FROM events_moves)::INTEGER AS moves,
      (SELECT count(*) FROM events_keys)::INTEGER AS keys, (SELECT count(*) FROM events_other)::INTEGER AS other,
      (SELECT count(*) FROM events_keys WHERE key_code IN (60, 61, 62))::INTEGER AS edge_keystrokes`)
    assert.deepEqual(layout, {
      ...layout, old_live: 0, live: 6, edge_keystrokes: 3,
    })
    assert.ok(Number(layout.moves) > 0 && Number(layout.keys) > 0 && Number(layout.other) > 0, JSON.stringify(layout))
    assert.notEqual(bytesOf(file).indexOf(SENTINEL), -1, 'the sentinel is in the file before forget')

    const inRange = between(since, until)
    const [counts] = await queryFile(file, `SELECT count(*) FILTER (WHERE ${inRange})::INTEGER AS forgotten,
      count(key_code) FILTER (WHERE ${between(redactSince, redactUntil)})::INTEGER AS codes FROM events`)
    const expected = await queryFile(file, `SELECT * REPLACE (CASE WHEN ${between(redactSince, redactUntil)} THEN NULL ELSE key_code END AS key_code)
      FROM events WHERE NOT (${inRange}) ORDER BY ALL`)
    assert.ok(Number(counts.codes) > 0)

    // Both rewrites run in the daemon, which holds the file.
    assert.equal((await s.run(['start', '--level', 'full'])).code, 0)
    const forget = await json<{events_kept: number; forgotten: {events: number; sessions: number}}>(s, ['forget', '--since', iso(since), '--until', iso(until), '--yes'])
    assert.deepEqual(forget, {...forget, forgotten: {events: counts.forgotten, sessions: 1}, events_kept: expected.length})
    const redact = await json<{columns: Record<string, number>}>(s, ['redact', '--profile', 'keys', '--since', iso(redactSince), '--until', iso(redactUntil), '--yes'])
    assert.deepEqual(redact.columns, {key_code: counts.codes})
    // `query` reads the view, and the tables behind it too (they hold nothing the view does not show).
    const query = await json<Array<{n: number}>>(s, ['query', `SELECT count(*)::INTEGER AS n FROM events WHERE ${inRange}`])
    assert.deepEqual(query, [{n: 0}])
    const keys = await json<Array<{n: number}>>(s, ['query', 'SELECT count(*)::INTEGER AS n FROM events_keys WHERE key_code IN (60, 61)'])
    assert.deepEqual(keys, [{n: 0}])
    assert.equal((await s.run(['stop'])).code, 0)

    assert.deepEqual(await queryFile(file, 'SELECT * FROM events ORDER BY ALL'), expected)
    // The halves outside the range: the press before `since`, the release after `until`.
    assert.deepEqual(await queryFile(file, 'SELECT kind, key_code, modifiers, hold_ms FROM events WHERE key_code IN (60, 61) ORDER BY ts'), [
      {
        kind: 'key_down', key_code: 60, modifiers: 'ctrl', hold_ms: null,
      },
      {
        kind: 'key_up', key_code: 61, modifiers: 'alt', hold_ms: 51,
      },
    ])
    assert.equal(bytesOf(file).indexOf(SENTINEL), -1, 'the sentinel is gone from the file')
    assert.equal(bytesOf(`${file}.wal`).indexOf(SENTINEL), -1, 'the sentinel is gone from the WAL')
  })
})
