import assert from 'node:assert/strict'
import {spawn} from 'node:child_process'
import path from 'node:path'
import {
  after, before, describe, test,
} from 'node:test'

import {
  BIN, makeSandbox, oneLine, type Sandbox, waitFor,
} from '../helpers/cli.js'
import {queryFile} from '../helpers/db.js'
import {
  e2eSkipReason, startXvfb, type VirtualDisplay, xdotool,
} from '../helpers/xvfb.js'

const skip = e2eSkipReason()

describe('query and inspect, with the daemon running and stopped', {skip}, () => {
  let x: VirtualDisplay
  let s: Sandbox

  before(async () => {
    x = await startXvfb()
    s = makeSandbox(x.display)
    const start = await s.run(['start', '--level', 'full'])
    assert.equal(start.code, 0, start.stderr)
  })

  after(async () => {
    await s.run(['stop'])
    s.cleanup()
    await x.stop()
  })

  async function queryJson(sql: string): Promise<Array<Record<string, unknown>>> {
    const result = await s.run(['query', sql, '--json'])
    assert.equal(result.code, 0, result.stderr)
    return JSON.parse(result.stdout) as Array<Record<string, unknown>>
  }

  async function keyDowns(): Promise<number> {
    const rows = await queryJson('SELECT count(*) AS n FROM events WHERE kind = \'key_down\'')
    return rows[0].n as number
  }

  test('typed text shows up in query within the flush interval, with exact counts', async () => {
    xdotool(x.display, 'type', '--delay', '5', 'hello world')
    // Visible after the next flush (flush_ms, default 1 s); the bound here is generous because a
    // loaded CI machine is slow to start each CLI process. Latency itself is measured in bench/.
    await waitFor(async () => (await keyDowns()) === 11, '11 key_down rows through the daemon', 15_000)
    const rows = await queryJson('SELECT kind, count(*) AS n FROM events GROUP BY kind ORDER BY kind')
    assert.deepEqual(rows, [{kind: 'key_down', n: 11}, {kind: 'key_up', n: 11}])
  })

  test('query --json gives ISO-8601 UTC timestamps and plain numbers', async () => {
    const [row] = await queryJson('SELECT min(ts) AS first, count(*)::BIGINT AS n, 2::HUGEINT AS two FROM events')
    assert.match(String(row.first), /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/)
    assert.equal(row.n, 22)
    assert.equal(row.two, 2)
  })

  test('query --csv has a header and one line per row; the table view lists the rows', async () => {
    const csv = await s.run(['query', 'SELECT key_code, key_class FROM events WHERE kind = \'key_down\' ORDER BY ts LIMIT 3', '--csv'])
    assert.equal(csv.code, 0, csv.stderr)
    assert.equal(csv.stdout, 'key_code,key_class\n35,letter\n18,letter\n38,letter\n')
    const table = await s.run(['query', 'SELECT kind, count(*) AS n FROM events GROUP BY kind ORDER BY kind'])
    assert.equal(table.code, 0, table.stderr)
    assert.deepEqual(table.stdout.trim().split('\n').map(line => line.trim().split(/\s+/)), [['kind', 'n'], ['key_down', '11'], ['key_up', '11']])
  })

  test('--json and --csv keep repeated column names apart, and a trailing comment or semicolon is fine', async () => {
    const json = await s.run(['query', 'SELECT 1 AS a, 2 AS a, NULL AS b; -- two a columns', '--json'])
    assert.equal(json.code, 0, json.stderr)
    assert.deepEqual(JSON.parse(json.stdout), [{a: 1, a_1: 2, b: null}])
    const csv = await s.run(['query', 'SELECT \'x,"y\' AS s, 3 AS n -- quoted', '--csv'])
    assert.equal(csv.code, 0, csv.stderr)
    assert.equal(csv.stdout, 's,n\n"x,""y",3\n')
    const empty = await s.run(['query', 'SELECT 1 AS a WHERE false', '--json'])
    assert.deepEqual(JSON.parse(empty.stdout), [])
  })

  test('inspect shows the newest events oldest first; --kind, --limit and --json filter', async () => {
    const result = await s.run(['inspect', '--kind', 'key_down', '--limit', '3', '--json'])
    assert.equal(result.code, 0, result.stderr)
    const rows = JSON.parse(result.stdout) as Array<{key_code: number; kind: string; ts: string}>
    // The last three keys of "hello world": r l d.
    assert.deepEqual(rows.map(row => row.key_code), [19, 38, 32])
    assert.ok(rows.every(row => row.kind === 'key_down'))
    assert.ok(rows[0].ts < rows[1].ts && rows[1].ts < rows[2].ts)
    const table = await s.run(['inspect', '--limit', '2'])
    assert.equal(table.code, 0)
    const lines = table.stdout.trim().split('\n')
    assert.equal(lines.length, 3)
    assert.match(lines[0], /^time\s+kind\s+key/)
    assert.match(lines[1], /^\d{2}:\d{2}:\d{2}\.\d{3}\s+key_down\s+letter \(32\)/)
    assert.match(lines[2], /^\d{2}:\d{2}:\d{2}\.\d{3}\s+key_up\s+letter \(32\)/)
  })

  test('inspect --since/--until select by time', async () => {
    const future = await s.run(['inspect', '--since', '2099-01-01', '--json'])
    assert.equal(future.code, 0, future.stderr)
    assert.deepEqual(JSON.parse(future.stdout), [])
    const recent = await s.run(['inspect', '--since', '10m', '--until', 'now', '--limit', '100', '--csv'])
    assert.equal(recent.code, 0, recent.stderr)
    assert.equal(recent.stdout.trim().split('\n').length, 1 + 22)
  })

  test('inspect --follow prints newly typed keys, one JSON object a line', async () => {
    const child = spawn(process.execPath, [BIN, 'inspect', '--follow', '--kind', 'key_down', '--json'], {env: s.env})
    let out = ''
    child.stdout.on('data', chunk => {
      out += chunk
    })
    try {
      // Wait until the subscription is live (the daemon sends the column header first).
      await waitFor(async () => {
        const status = JSON.parse((await s.run(['status', '--json'])).stdout) as {running: boolean}
        return status.running
      }, 'daemon')
      await new Promise(resolve => {
        setTimeout(resolve, 800)
      })
      xdotool(x.display, 'type', '--delay', '5', 'abc')
      const lines = await waitFor(() => {
        const complete = out.split('\n').filter(Boolean)
        return complete.length >= 3 ? complete : undefined
      }, 'three followed key_down lines', 5000)
      const events = lines.map(line => JSON.parse(line) as {key_code: number; kind: string})
      assert.deepEqual(events.map(event => [event.kind, event.key_code]), [['key_down', 30], ['key_down', 48], ['key_down', 46]])
    } finally {
      child.kill('SIGINT')
    }
  })

  const writes = [
    'DELETE FROM events',
    'UPDATE events SET key_code = 0',
    'INSERT INTO events (ts, session_id, kind) VALUES (now(), 1, \'key_down\')',
    'DROP TABLE events',
    'CREATE TABLE stolen AS SELECT * FROM events',
    'ALTER TABLE events RENAME TO e',
    'COPY events TO \'/tmp/devtrace-e2e-leak.csv\'',
    'EXPORT DATABASE \'/tmp/devtrace-e2e-leak\'',
    'ATTACH \'/tmp/devtrace-e2e-other.duckdb\' AS other',
    'INSTALL httpfs',
    'LOAD parquet',
    'CHECKPOINT',
    'SELECT nextval(\'session_id_seq\')',
    'SELECT 1; DELETE FROM events',
    'TRUNCATE events',
  ]

  test('every kind of write is refused with exit 1 while the daemon runs, and the data is untouched', async () => {
    // "hello world" and the followed "abc" are all flushed first, so the counts are settled.
    await waitFor(async () => (await keyDowns()) === 14, '14 key_down rows flushed', 5000)
    const before = await queryJson('SELECT count(*) AS n, (SELECT count(*) FROM sessions) AS s FROM events')
    for (const sql of writes) {
      const result = await s.run(['query', sql])
      assert.equal(result.code, 1, `${sql}: ${result.stderr}`)
      assert.match(oneLine(result.stderr), /Refused: .* `devtrace query` only reads\./, sql)
      assert.equal(result.stdout, '')
    }

    assert.deepEqual(await queryJson('SELECT count(*) AS n, (SELECT count(*) FROM sessions) AS s FROM events'), before)
    const {existsSync} = await import('node:fs')
    assert.equal(existsSync('/tmp/devtrace-e2e-leak.csv'), false)
    // Refused statements are never even bound: binding EXPORT DATABASE would create its folder.
    assert.equal(existsSync('/tmp/devtrace-e2e-leak'), false)
    assert.equal(existsSync('/tmp/devtrace-e2e-other.duckdb'), false)
  })

  test('bad SQL is one clear sentence, exit 1, and capture goes on', async () => {
    const result = await s.run(['query', 'SELEC * FROM events'])
    assert.equal(result.code, 1)
    assert.match(oneLine(result.stderr), /Error: Parser Error: syntax error at or near "SELEC"\./)
    assert.doesNotMatch(result.stderr, /\n\s+at /)
    const missing = await s.run(['query', 'SELECT * FROM nope'])
    assert.equal(missing.code, 1)
    assert.match(oneLine(missing.stderr), /Table with name nope does not exist/)
    const before = await keyDowns()
    xdotool(x.display, 'type', '--delay', '5', 'zz')
    await waitFor(async () => (await keyDowns()) === before + 2, 'capture continues after bad SQL', 5000)
  })

  test('bad times and values are usage errors (exit 2) naming the flag', async () => {
    const badTime = await s.run(['inspect', '--since', 'whenever'])
    assert.equal(badTime.code, 2)
    assert.match(oneLine(badTime.stderr), /--since "whenever" is not a time I understand\..*ISO-8601/)
    const reversed = await s.run(['inspect', '--since', '1h', '--until', '2h'])
    assert.equal(reversed.code, 2)
    assert.match(oneLine(reversed.stderr), /must be before --until/)
    const negative = await s.run(['inspect', '--limit', '-5'])
    assert.equal(negative.code, 2)
    const kind = await s.run(['inspect', '--kind', 'sneeze'])
    assert.equal(kind.code, 2)
    assert.match(oneLine(kind.stderr), /Expected --kind=sneeze to be one of/)
    const both = await s.run(['query', 'SELECT 1', '--csv', '--json'])
    assert.equal(both.code, 2)
  })

  test('the same commands work with the daemon stopped, reading the file directly', async () => {
    const live = await queryJson('SELECT count(*) AS n FROM events')
    assert.equal((await s.run(['stop'])).code, 0)
    const direct = await queryFile(path.join(s.home, 'devtrace.duckdb'), 'SELECT count(*)::INTEGER AS n FROM events')
    assert.equal(direct[0].n, live[0].n)
    assert.deepEqual(await queryJson('SELECT count(*) AS n FROM events'), live)
    const inspect = await s.run(['inspect', '--kind', 'key_down', '--limit', '2', '--json'])
    assert.equal(inspect.code, 0, inspect.stderr)
    assert.deepEqual((JSON.parse(inspect.stdout) as Array<{key_code: number}>).map(row => row.key_code), [44, 44])
    for (const sql of writes.slice(0, 4)) {
      const result = await s.run(['query', sql])
      assert.equal(result.code, 1, sql)
    }

    assert.deepEqual(await queryJson('SELECT count(*) AS n FROM events'), live)
    const follow = await s.run(['inspect', '--follow'])
    assert.equal(follow.code, 1)
    assert.match(oneLine(follow.stderr), /--follow needs the daemon/)
    // Start again for the after() hook's stop.
    assert.equal((await s.run(['start'])).code, 0)
  })
})

describe('reading without a database', () => {
  test('query and inspect explain there is no database yet', async () => {
    const s = makeSandbox()
    try {
      const result = await s.run(['query', 'SELECT 1'])
      assert.equal(result.code, 1)
      assert.match(oneLine(result.stderr), /There is no devtrace database yet/)
      const inspect = await s.run(['inspect'])
      assert.equal(inspect.code, 1)
    } finally {
      s.cleanup()
    }
  })
})
