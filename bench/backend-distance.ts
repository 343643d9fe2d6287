/**
 * bench/backend-distance: what keeping pointer distance apart per capture backend costs the raw
 * metric SQL (summarize --raw, the rollup build and every partial slot use it). The same
 * metricsQuery (all groupings a summary asks for) from this tree's src/analysis/metrics-sql.ts and
 * from a baseline revision's copy (before sessions.backend was read), alternated on the same
 * in-memory database, in the same run.
 *
 *   node --import tsx bench/backend-distance.ts [--events 2000000] [--runs 5] [--baseline f799af0]
 *
 * Data: the demo's synthetic generator; the second half of the events is an evdev session.
 */
import {DuckDBInstance} from '@duckdb/node-api'
import {execFileSync} from 'node:child_process'
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {cpus, tmpdir} from 'node:os'
import path from 'node:path'
import {parseArgs} from 'node:util'

import type {CapturedEvent} from '../src/capture/event.js'

import * as current from '../src/analysis/metrics-sql.js'
import {syntheticEvents} from '../src/demo/demo-data.js'
import {EventWriter} from '../src/store/event-writer.js'
import {migrate} from '../src/store/schema.js'

const {values} = parseArgs({options: {events: {type: 'string', default: '2000000'}, runs: {type: 'string', default: '5'}, baseline: {type: 'string', default: 'f799af0'}}})
const events = Number(values.events)
const runs = Number(values.runs)

// The baseline's metrics-sql.ts imports nothing, so its text runs on its own.
const dir = mkdtempSync(path.join(tmpdir(), 'devtrace-bench-backend-'))
const baselineFile = path.join(dir, 'metrics-sql.ts')
writeFileSync(baselineFile, execFileSync('git', ['show', `${values.baseline}:src/analysis/metrics-sql.ts`]))
const baseline = await import(baselineFile) as typeof current

const instance = await DuckDBInstance.create(':memory:')
const connection = await instance.connect()
await migrate(connection, ':memory:')
const start = Date.UTC(2025, 0, 6) * 1000
// Written in batches as generated (never all in memory): the first half to session 1, the rest to session 2.
let written = 0
let secondStart = start
const writers = [await EventWriter.open(connection, 1), await EventWriter.open(connection, 2)]
let batch: CapturedEvent[] = []
const flush = (): void => {
  writers[written < events / 2 ? 0 : 1].append(batch)
  written += batch.length
  batch = []
}

for (const event of syntheticEvents({startMicros: start, durationMs: 400 * 86_400_000, seed: 3})) {
  if (written + batch.length >= events) break
  if (written >= events / 2 && secondStart === start) secondStart = event.tsMicros
  batch.push(event)
  if (batch.length === 100_000) flush()
}

flush()
for (const writer of writers) writer.close()
await connection.run(`INSERT INTO sessions (id, started_at, level, backend) VALUES (1, make_timestamp(${start}), 'standard', 'hook'),
  (2, make_timestamp(${secondStart}), 'standard', 'evdev')`)

const requests = [{grouping: 'all', percentiles: true}, {grouping: 'hour', percentiles: true}, {grouping: 'day', percentiles: false}] as const
async function time(module: typeof current): Promise<number> {
  const {sql, params} = module.metricsQuery({windows: [{}]}, requests, {idleSeconds: 180, timeZone: 'UTC'})
  const t0 = performance.now()
  await connection.runAndReadAll(sql, params)
  return performance.now() - t0
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]
const times: Record<'baseline' | 'current', number[]> = {baseline: [], current: []}
await time(current) // warm-up
for (let run = 0; run < runs; run++) {
  times.baseline.push(await time(baseline))
  times.current.push(await time(current))
}

connection.closeSync()
instance.closeSync()
rmSync(dir, {force: true, recursive: true})
console.log(JSON.stringify({
  events: written, runs, cpus: cpus().length, cpu: cpus()[0]?.model, baseline: values.baseline,
  median_ms: {baseline: Math.round(median(times.baseline)), current: Math.round(median(times.current))}, times,
}, null, 2))
