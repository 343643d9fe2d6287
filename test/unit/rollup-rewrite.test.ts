import assert from 'node:assert/strict'
import {mkdtempSync, readFileSync, rmSync} from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import {after, describe, test} from 'node:test'

import {refreshRollupOf} from '../../src/analysis/rollup.js'
import {computeSummary} from '../../src/analysis/summary.js'
import {CaptureStore} from '../../src/daemon/capture-store.js'
import {enforceRetention} from '../../src/daemon/retention.js'
import {syntheticEvents} from '../../src/demo/demo-data.js'
import {forgetOperation} from '../../src/privacy/forget.js'
import {HASHED_APP_PREFIX} from '../../src/privacy/profiles.js'
import {redactOperation} from '../../src/privacy/redact.js'
import {type DatabaseAccess, YieldedToRewriteError} from '../../src/store/database-access.js'
import {EventWriter} from '../../src/store/event-writer.js'
import {closeDatabase, openDatabase} from '../../src/store/open-database.js'
import {streamQuery} from '../../src/store/query-stream.js'
import {migrate} from '../../src/store/schema.js'

const HOUR = 3600 * 1_000_000
const WEEK = 7 * 24 * HOUR
/** Monday 2025-03-03 09:00 UTC. */
const START = Date.UTC(2025, 2, 3, 9) * 1000
const FAR_FUTURE = Date.UTC(2030, 0, 1) * 1000
/** Twenty minutes of input in each of WEEKS weeks: a build of WEEKS chunks. */
const WEEKS = 4
/** The app of every event in week `w`: a name that must leave no byte behind once its week is forgotten. */
const sentinel = (week: number | string): string => `SENTINEL-week${week}-5c1a`

const folders: string[] = []

/** A database file of WEEKS weeks of input and no rollup yet, held by a real capture store as the daemon holds it. */
async function storeWithoutRollup(): Promise<CaptureStore> {
  const folder = mkdtempSync(path.join(os.tmpdir(), 'devtrace-rollup-rewrite-'))
  folders.push(folder)
  const file = path.join(folder, 'devtrace.duckdb')
  const db = await openDatabase(file)
  await migrate(db.connection, file)
  const writer = await EventWriter.open(db.connection, 1)
  writer.append([...syntheticEvents({startMicros: START, durationMs: 20 * 60 * 1000, seed: 5})])
  writer.close()
  const app = sentinel('\' || w || \'')
  await db.connection.run(`CREATE TEMP TABLE spread AS
    SELECT e.* REPLACE ('${app}' AS app, e.ts + to_weeks(w::INTEGER) AS ts) FROM events e, range(${WEEKS}) t(w)`)
  await db.connection.run('DELETE FROM events_live')
  await db.connection.run('INSERT INTO events_live SELECT * FROM spread')
  await db.connection.run('DROP TABLE spread')
  await db.connection.run('DELETE FROM rollup_state')
  await db.connection.run('CHECKPOINT')
  return CaptureStore.attach(file, db, 2, () => {})
}

/** Read the closed file: the rollup's mark and count, what raw events give, what the rollup gives, and its app names. */
async function inspect(file: string) {
  const db = await openDatabase(file, {readOnly: true})
  try {
    const {connection} = db
    const rows = async (sql: string) => (await connection.runAndReadAll(sql)).getRowObjectsJS()
    const [state] = await rows('SELECT epoch_us(covered_until) AS until, events FROM rollup_state')
    const [{before}] = await rows(`SELECT count(*) AS before FROM events WHERE ts < make_timestamp(${Number(state.until)})`)
    const reader = {query: (sql: string, params?: Record<string, number | string>) => streamQuery(connection, sql, params)}
    const options = {idleSeconds: 180, timeZone: 'UTC', by: 'day' as const}
    const raw = await computeSummary(reader, {...options, rollup: false})
    const rolled = await computeSummary(reader, options)
    const apps = await rows('SELECT DISTINCT app FROM rollup_slots ORDER BY app')
    return {
      state: {until: Number(state.until), events: Number(state.events)},
      eventsBeforeMark: Number(before),
      raw: {...raw, rollup_until: null},
      rolled: {...rolled, rollup_until: null},
      rollupUntil: rolled.rollup_until,
      rollupApps: apps.map(row => String(row.app)),
    }
  } finally {
    closeDatabase(db)
  }
}

function bytesOf(file: string): Buffer {
  return readFileSync(file)
}

/** The rollup, once built, counts every event before its mark and gives exactly what raw events give. */
function assertExact(result: Awaited<ReturnType<typeof inspect>>): void {
  assert.equal(result.state.events, result.eventsBeforeMark)
  assert.ok(result.rollupUntil !== null && result.rollupUntil >= '2025-03-24', String(result.rollupUntil))
  assert.ok(result.raw.totals.events > 0)
  assert.deepEqual(result.rolled, result.raw)
}

describe('forget, redact and retention during a background rollup build', () => {
  after(() => {
    for (const folder of folders) rmSync(folder, {force: true, recursive: true})
  })

  test('forget between two chunks: the build goes on from the rewritten file, and no byte of the forgotten weeks is left, rollup included', async () => {
    const store = await storeWithoutRollup()
    assert.notEqual(bytesOf(store.file).indexOf(sentinel(0)), -1)
    let chunks = 0
    const forgotten: number[] = []
    const result = await refreshRollupOf(store, {
      nowMicros: FAR_FUTURE,
      async betweenChunks() {
        chunks++
        if (chunks !== 1) return
        // Week 0 is rolled up already, week 2 not yet.
        for (const week of [0, 2]) {
          const done = await forgetOperation.run(store, {sinceMicros: START + week * WEEK, untilMicros: START + week * WEEK + 3 * HOUR})
          forgotten.push(done.forgotten.events)
        }
      },
    })
    store.close()
    assert.ok(forgotten.every(n => n > 0), String(forgotten))
    // A chunk per week: the build did not start over after the rewrites.
    assert.equal(chunks, WEEKS - 1)
    const after = await inspect(store.file)
    assertExact(after)
    assert.equal(result.events, after.state.events)
    assert.deepEqual(after.rollupApps, [sentinel(1), sentinel(3)])
    for (const week of [0, 2]) assert.equal(bytesOf(store.file).indexOf(sentinel(week)), -1, `week ${week}`)
  })

  test('a forget asked for while a chunk runs stops it (rolled back) instead of waiting; the chunk is built again after the rewrite', async () => {
    const store = await storeWithoutRollup()
    const order: string[] = []
    let offlineAsked: () => void = () => {}
    const asked = new Promise<void>(resolve => {
      offlineAsked = resolve
    })
    let attempt = 0
    let forgetting: Promise<unknown> | undefined
    // The store as the daemon's operations see it, with the chunks and the rewrite made visible.
    const access: DatabaseAccess = {
      file: store.file,
      connect: () => store.connect(),
      offline(work) {
        offlineAsked()
        return store.offline(async () => {
          order.push('rewrite')
          return work()
        })
      },
      online: work => store.online(async connection => {
        const index = ++attempt
        let chunk = connection
        if (index === 2) {
          // Forget week 1, the week this chunk rolls up, while the chunk's transaction is open and
          // a statement runs in it (one that lasts until it is interrupted).
          forgetting = forgetOperation.run(access, {sinceMicros: START + WEEK, untilMicros: START + WEEK + 3 * HOUR})
          chunk = new Proxy(connection, {
            get(target, name) {
              if (name !== 'run') return Reflect.get(target, name, target) as unknown
              return async (sql: string, params?: Record<string, number>) => {
                const result = await target.run(sql, params)
                if (sql === 'BEGIN TRANSACTION') {
                  await asked
                  await target.run('SELECT count(*) FROM range(1000000000000000)')
                }

                return result
              }
            },
          })
        }

        try {
          const result = await work(chunk)
          order.push(`chunk ${index} committed`)
          return result
        } catch (error) {
          order.push(`chunk ${index} stopped`)
          throw error
        }
      }),
    }
    await refreshRollupOf(access, {nowMicros: FAR_FUTURE})
    await forgetting
    store.close()
    assert.deepEqual(order.slice(0, 4), ['chunk 1 committed', 'chunk 2 stopped', 'rewrite', 'chunk 3 committed'])
    const after = await inspect(store.file)
    assertExact(after)
    assert.deepEqual(after.rollupApps, [sentinel(0), sentinel(2), sentinel(3)])
    assert.equal(bytesOf(store.file).indexOf(sentinel(1)), -1)
  })

  test('the capture store: a rewrite interrupts work running through online() and that work rejects as yielded', async () => {
    const store = await storeWithoutRollup()
    let started: () => void = () => {}
    const running = new Promise<void>(resolve => {
      started = resolve
    })
    const outcome = store.online(async connection => {
      started()
      await connection.run('SELECT count(*) FROM range(1000000000000000)')
    }).then(() => 'finished', (error: unknown) => error)
    await running
    const rewritten = await store.offline(async () => 'rewritten')
    assert.ok((await outcome) instanceof YieldedToRewriteError)
    assert.equal(rewritten, 'rewritten')
    // Later work runs as usual on the file taken back.
    assert.equal(await store.online(async connection => Number((await connection.runAndReadAll('SELECT 41 + 1 AS n')).getRowObjects()[0].n)), 42)
    store.close()
  })

  test('the capture store: a daemon stopping stops work running through online() and takes no more, so a build that retries ends', async () => {
    const store = await storeWithoutRollup()
    let attempts = 0
    let started: () => void = () => {}
    const running = new Promise<void>(resolve => {
      started = resolve
    })
    // Retries when stopped for a rewrite, as the rollup build does.
    const retrying = (async () => {
      for (;;) {
        try {
          return await store.online(async connection => {
            attempts++
            started()
            await connection.run('SELECT count(*) FROM range(1000000000000000)')
          })
        } catch (error) {
          if (!(error instanceof YieldedToRewriteError)) return error
        }
      }
    })()
    await running
    await store.whenIdle()
    const ended = await retrying
    assert.ok(ended instanceof Error && !(ended instanceof YieldedToRewriteError), String(ended))
    assert.equal(attempts, 1)
    store.close()
  })

  test('redact --profile coarse between two chunks: the rollup holds only hashed app names for the range', async () => {
    const store = await storeWithoutRollup()
    let chunks = 0
    await refreshRollupOf(store, {
      nowMicros: FAR_FUTURE,
      async betweenChunks() {
        if (++chunks !== 2) return
        // Weeks 1 (rolled up) and 2 (not yet).
        await redactOperation.run(store, {profile: 'coarse', sinceMicros: START + WEEK, untilMicros: START + 2 * WEEK + 3 * HOUR})
      },
    })
    store.close()
    const after = await inspect(store.file)
    assertExact(after)
    assert.deepEqual(after.rollupApps.filter(app => !app.startsWith(HASHED_APP_PREFIX)), [sentinel(0), sentinel(3)])
    assert.equal(after.rollupApps.filter(app => app.startsWith(HASHED_APP_PREFIX)).length, 2)
    for (const week of [1, 2]) assert.equal(bytesOf(store.file).indexOf(sentinel(week)), -1, `week ${week}`)
  })

  test('retention between two chunks removes the old weeks and the build finishes on what is left', async () => {
    const store = await storeWithoutRollup()
    // Keep what is newer than 10 days before week 3's input: weeks 0–1 go.
    const nowMs = (START + 3 * WEEK) / 1000 + 10 * 86_400_000
    let removed = 0
    let chunks = 0
    await refreshRollupOf(store, {
      nowMicros: FAR_FUTURE,
      async betweenChunks() {
        if (++chunks !== 1) return
        removed = (await enforceRetention(store, 10 + 7 + 1, nowMs))?.removed ?? 0
      },
    })
    store.close()
    assert.ok(removed > 0)
    const after = await inspect(store.file)
    assertExact(after)
    assert.deepEqual(after.rollupApps, [sentinel(2), sentinel(3)])
    for (const week of [0, 1]) assert.equal(bytesOf(store.file).indexOf(sentinel(week)), -1, `week ${week}`)
  })
})
