/**
 * bench/utc-times: what the UTC rule for exports costs. The same COPY of N events, as `export`
 * wrote it before (plain TIMESTAMP, DuckDB's default text form) and as it writes it now
 * (src/transfer/export.ts writeProfileFile: timestamps turned into UTC instants, ISO-8601 text
 * with Z and six digits), alternating, median of several runs, in one process and one database.
 *
 *   node --import tsx bench/utc-times.ts [--events N] [--runs R]
 */
import type {DuckDBConnection} from '@duckdb/node-api'

import {mkdtempSync, rmSync} from 'node:fs'
import {cpus, tmpdir} from 'node:os'
import path from 'node:path'

import {profileSelect} from '../src/privacy/profiles.js'
import {LocalAccess} from '../src/store/local-access.js'
import {writeProfileFile} from '../src/transfer/export.js'

const argv = process.argv.slice(2)
const option = (name: string, fallback: number): number => {
  const index = argv.indexOf(name)
  return index === -1 ? fallback : Number(argv[index + 1])
}

const EVENTS = option('--events', 2_000_000)
const RUNS = option('--runs', 5)

/** The export before the UTC rule: the profile's SELECT copied as it is, DuckDB's default text form. */
const BEFORE_OPTIONS: Record<string, string> = {parquet: 'FORMAT parquet, COMPRESSION zstd', csv: 'FORMAT csv, HEADER true'}
async function before(connection: DuckDBConnection, file: string, format: string): Promise<void> {
  const {sql, params} = profileSelect('none', {})
  await connection.run(`COPY (${sql}) TO '${file}' (${BEFORE_OPTIONS[format]})`, params)
}

async function after(connection: DuckDBConnection, file: string, format: string): Promise<void> {
  await writeProfileFile(connection, file, {profile: 'none', filter: {}, format: format as 'csv' | 'parquet'})
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.floor(sorted.length / 2)]
}

const dir = mkdtempSync(path.join(tmpdir(), 'devtrace-bench-utc-'))
const access = await LocalAccess.open(path.join(dir, 'devtrace.duckdb'))
try {
  const connection = await access.connect()
  await connection.run(`INSERT INTO events_live SELECT make_timestamp(1795000000000000 + i * 1000 + i % 7), 1,
    CASE i % 3 WHEN 0 THEN 'key_down' WHEN 1 THEN 'key_up' ELSE 'mouse_move' END, 30 + i % 20, 'letter',
    (i * 37) % 1900, (i * 53) % 1060, NULL, NULL, NULL, NULL, CASE i % 4 WHEN 0 THEN 'code' WHEN 1 THEN 'firefox' ELSE 'xterm' END, NULL
    FROM range(${EVENTS}) t(i)`)
  console.log(`${EVENTS.toLocaleString('en-US')} events, ${RUNS} runs each, ${cpus().length} × ${cpus()[0].model}, Node ${process.version}`)
  for (const format of ['parquet', 'csv']) {
    const times: Record<'after' | 'before', number[]> = {before: [], after: []}
    for (let run = 0; run < RUNS; run++) {
      for (const [name, write] of [['before', before], ['after', after]] as const) {
        const file = path.join(dir, `out.${format}`)
        rmSync(file, {force: true})
        const started = process.hrtime.bigint()
        await write(connection, file, format)
        times[name].push(Number(process.hrtime.bigint() - started) / 1e6)
      }
    }

    const [b, a] = [median(times.before), median(times.after)]
    console.log(`${format.padEnd(8)} before ${b.toFixed(0)} ms  after ${a.toFixed(0)} ms  (${((a / b - 1) * 100).toFixed(1)} %)  runs: ${JSON.stringify(times)}`)
  }

  connection.closeSync()
} finally {
  access.close()
  rmSync(dir, {force: true, recursive: true})
}
