/**
 * bench/workflow: what the workflow metrics add to a summary, in one process, on an existing
 * database (e.g. the one `bench/summarize.ts --keep` leaves): the whole summary (metrics, charts
 * and workflow) and the workflow query alone, from the rollup and (optionally) from raw events,
 * interleaved, median of N runs.
 *
 *   node --import tsx bench/workflow.ts FILE [RUNS] [--raw]
 */
import {DuckDBInstance} from '@duckdb/node-api'

import {collect, computeSummary, type Reader} from '../src/analysis/summary.js'
import {computeWorkflow} from '../src/analysis/workflow.js'
import {streamQuery} from '../src/store/query-stream.js'

const [file, runsArg] = process.argv.slice(2).filter(arg => !arg.startsWith('--'))
const raw = process.argv.includes('--raw')
const runs = Number(runsArg ?? 5)
if (!file) {
  console.error('usage: workflow.ts FILE [RUNS] [--raw]')
  process.exit(2)
}

const instance = await DuckDBInstance.create(file, {access_mode: 'READ_ONLY'})
const connection = await instance.connect()
const store: Reader = {query: (sql, params) => streamQuery(connection, sql, params)}
const median = (values: number[]): number => values.toSorted((a, b) => a - b)[Math.floor(values.length / 2)]

async function time(work: () => Promise<unknown>): Promise<number> {
  const start = performance.now()
  await work()
  return performance.now() - start
}

const [{pieces}] = await collect(store, 'SELECT count(*)::BIGINT AS pieces FROM rollup_app_runs')
const [{events}] = await collect(store, 'SELECT count(*)::BIGINT AS events FROM events')
const options = {idleSeconds: 180, timeZone: 'UTC', rollup: !raw}
const summary: number[] = []
const workflow: number[] = []
await computeSummary(store, options) // warm-up
for (let run = 0; run < runs; run++) {
  summary.push(await time(() => computeSummary(store, options)))
  workflow.push(await time(() => computeWorkflow((sql, params) => collect(store, sql, params), {...options, clicks: 0})))
}

console.log(JSON.stringify({
  file, events: Number(events), rollup_app_runs: Number(pieces), source: raw ? 'raw events' : 'rollup', runs,
  summary_ms: {median: Math.round(median(summary)), all: summary.map(ms => Math.round(ms))},
  workflow_ms: {median: Math.round(median(workflow)), all: workflow.map(ms => Math.round(ms))},
}, null, 2))
connection.closeSync()
instance.closeSync()
