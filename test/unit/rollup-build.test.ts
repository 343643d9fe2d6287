import {type DuckDBConnection, DuckDBInstance} from '@duckdb/node-api'
import assert from 'node:assert/strict'
import {
  after, before, describe, test,
} from 'node:test'

import type {RollupBuildProgress} from '../../src/ipc/protocol.js'

import {onRollupProgress, percentOf, rollupBuildProgress} from '../../src/analysis/rollup-progress.js'
import {refreshRollup, rollupRefreshOperation} from '../../src/analysis/rollup.js'
import {computeSummary, type Reader} from '../../src/analysis/summary.js'
import {syntheticEvents} from '../../src/demo/demo-data.js'
import {EventWriter} from '../../src/store/event-writer.js'
import {streamQuery} from '../../src/store/query-stream.js'
import {migrate} from '../../src/store/schema.js'
import {demoProgressText, progressLine, rollupProgressText} from '../../src/ui/progress.js'

const HOUR = 3600 * 1_000_000
const WEEK = 7 * 24 * HOUR
/** Monday 2025-03-03 09:00 UTC. */
const START = Date.UTC(2025, 2, 3, 9) * 1000
const FAR_FUTURE = Date.UTC(2030, 0, 1) * 1000
const WEEKS = 4

describe('a missing rollup is built a week of events at a time', () => {
  let instance: DuckDBInstance
  let connection: DuckDBConnection
  const reader: Reader = {query: (sql, params) => streamQuery(connection, sql, params)}

  before(async () => {
    instance = await DuckDBInstance.create(':memory:')
    connection = await instance.connect()
    await migrate(connection, ':memory:')
    const writer = await EventWriter.open(connection, 1)
    writer.append([...syntheticEvents({startMicros: START, durationMs: 2 * 3600 * 1000, seed: 3})])
    writer.close()
    // The same two hours in each of WEEKS weeks: a build of WEEKS chunks.
    await connection.run(`INSERT INTO events_live SELECT e.* REPLACE (e.ts + to_weeks(w::INTEGER) AS ts)
      FROM events e, range(1, ${WEEKS}) t(w)`)
  })

  after(() => {
    connection.closeSync()
    instance.closeSync()
  })

  test('each chunk is committed with its mark and reported; requests meanwhile do not wait; the result matches raw events', async () => {
    const [{n: total}] = (await connection.runAndReadAll('SELECT count(*)::INTEGER AS n FROM events')).getRowObjectsJS()
    const seen: Array<{progress: RollupBuildProgress}> = []
    const order: string[] = []
    let answered: Promise<unknown> | undefined
    const stop = onRollupProgress(progress => {
      if (!progress) {
        order.push('ended')
        return
      }

      seen.push({progress})
      // A summary asking for a refresh meanwhile gets at once the mark committed so far (on its
      // own connection: the chunk is committed, not held in one long transaction).
      answered ??= rollupRefreshOperation.run({
        file: ':memory:', connect: () => instance.connect(), offline: work => work(), online: async work => work(await instance.connect()),
      }, {now_micros: FAR_FUTURE}).then(result => {
        order.push('request answered')
        return result
      })
    })
    try {
      const result = await refreshRollup(connection, {nowMicros: FAR_FUTURE})
      order.push('build done')
      assert.equal(result.events, total)
      assert.equal(rollupBuildProgress(), null)
    } finally {
      stop()
    }

    // A chunk per week from the first event, each reported with a growing count below 100%; the
    // build then ends with the empty stretch up to the mark.
    assert.equal(seen.length, WEEKS)
    for (const [index, {progress}] of seen.entries()) {
      assert.equal(progress.events_total, total)
      assert.equal(progress.events_done, Math.round((total * (index + 1)) / WEEKS))
      assert.equal(progress.percent, percentOf(progress.events_done, total))
      assert.equal(progress.covered_until, new Date((START + (index + 1) * WEEK) / 1000).toISOString())
    }

    await new Promise(resolve => {
      setImmediate(resolve)
    })
    const first = await answered
    assert.deepEqual(first, {covered_until: START + WEEK, events: total / WEEKS, rebuilt: null})
    assert.ok(order.indexOf('request answered') < order.indexOf('build done'), order.join(', '))

    const raw = await computeSummary(reader, {
      idleSeconds: 180, timeZone: 'UTC', by: 'day', rollup: false,
    })
    const rolled = await computeSummary(reader, {idleSeconds: 180, timeZone: 'UTC', by: 'day'})
    assert.equal(rolled.totals.events, total)
    assert.deepEqual(rolled.days.map(day => [day.events, day.keys]), raw.days.map(day => [day.events, day.keys]))
    assert.equal(rolled.totals.keys, raw.totals.keys)
  })

  test('percentOf stays below 100 until the build ends and is 0 for an empty table', () => {
    assert.equal(percentOf(0, 0), 0)
    assert.equal(percentOf(999, 1000), 99)
    assert.equal(percentOf(1000, 1000), 99)
    assert.equal(percentOf(250, 1000), 25)
  })
})

describe('the progress line', () => {
  const terminal = (isTTY: boolean): {isTTY: boolean; text: string; write(text: string): void} => ({
    isTTY,
    text: '',
    write(text: string) {
      this.text += text
    },
  })

  test('on a terminal it rewrites one line in place and erases it at the end', () => {
    const stream = terminal(true)
    const line = progressLine(stream, {afterMs: 0, everyMs: 0})
    line.update(rollupProgressText({events_done: 1000, events_total: 4000, percent: 25}))
    line.update(demoProgressText({
      step: 'events', days: 30, days_done: 2, events: 150_000,
    }))
    line.stop()
    const clear = '\r\u001B[K'
    assert.equal(stream.text, [
      clear,
      'Building the metrics rollup (once; later summaries read it)… 25% (1,000 of 4,000 events) (0 s)',
      clear,
      'Writing synthetic input… day 3 of 30 (150,000 events) (0 s)',
      clear,
    ].join(''))
  })

  test('it says nothing when stderr is not a terminal, or before afterMs unless told to', () => {
    const piped = terminal(false)
    const quiet = progressLine(piped, {afterMs: 0})
    quiet.update('x')
    quiet.stop()
    assert.equal(piped.text, '')
    const stream = terminal(true)
    const late = progressLine(stream, {afterMs: 60_000})
    late.update('not yet')
    assert.equal(stream.text, '')
    late.update(demoProgressText({step: 'report'}), true)
    late.stop()
    assert.equal(stream.text, '\r\u001B[KSummarising and writing the report… (0 s)\r\u001B[K')
  })
})
