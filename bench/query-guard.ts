/**
 * bench/query-guard — what the read-only check of `query` (and every read) costs.
 *
 *   node --import tsx bench/query-guard.ts [--runs 9]
 *
 * Each run is a fresh Node process on a fresh in-memory DuckDB with devtrace's schema, as a
 * command with the daemon stopped is: the first checked prepare pays for working out the allowed
 * functions from DuckDB's catalogue (once per process), later ones only parse and look up. The
 * baseline, measured in the same process, is DuckDB's own prepare of the same SQL. Medians over
 * the runs; results on stdout (markdown).
 */
import {spawnSync} from 'node:child_process'
import os from 'node:os'

const SQL = 'SELECT kind, count(*) AS n, max(ts) FROM events WHERE ts > now() - INTERVAL 1 DAY GROUP BY kind ORDER BY n DESC'

interface Timings {
  firstChecked: number
  laterChecked: number
  parseAndPrepare: number
  plainPrepare: number
}

async function once(): Promise<Timings> {
  const {DuckDBInstance} = await import('@duckdb/node-api')
  const {migrate} = await import('../src/store/schema.js')
  const {prepareReadOnly} = await import('../src/store/read-only.js')
  const instance = await DuckDBInstance.create(':memory:')
  const connection = await instance.connect()
  await migrate(connection, ':memory:')
  const time = async (work: () => Promise<{destroySync(): void}>): Promise<number> => {
    const started = performance.now();
    (await work()).destroySync()
    return performance.now() - started
  }

  const firstChecked = await time(() => prepareReadOnly(connection, SQL))
  const later: number[] = []
  const parsed: number[] = []
  const plain: number[] = []
  for (let index = 0; index < 20; index++) {
    later.push(await time(() => prepareReadOnly(connection, SQL)))
    // What the check cost before the allow-list: DuckDB's parser, then prepare.
    parsed.push(await time(async () => {
      await connection.runAndReadAll('SELECT json_serialize_sql($sql::VARCHAR) AS tree', {sql: SQL})
      return connection.prepare(SQL)
    }))
    plain.push(await time(() => connection.prepare(SQL)))
  }

  connection.closeSync()
  instance.closeSync()
  return {
    firstChecked, laterChecked: median(later), parseAndPrepare: median(parsed), plainPrepare: median(plain),
  }
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.floor(sorted.length / 2)]
}

if (process.argv.includes('--once')) {
  process.stdout.write(JSON.stringify(await once()))
} else {
  const index = process.argv.indexOf('--runs')
  const runs = index > 0 ? Number(process.argv[index + 1]) : 9
  const results: Timings[] = []
  for (let run = 0; run < runs; run++) {
    const child = spawnSync(process.execPath, [...process.execArgv, import.meta.filename, '--once'], {encoding: 'utf8'})
    if (child.status !== 0) throw new Error(child.stderr)
    results.push(JSON.parse(child.stdout) as Timings)
  }

  const ms = (pick: (timings: Timings) => number): string => median(results.map(timings => pick(timings))).toFixed(1)
  console.log(`${os.cpus().length} × ${os.cpus()[0].model}, Node ${process.version}; median of ${runs} fresh processes\n`)
  console.log('| prepare | ms |\n| --- | ---: |')
  console.log(`| first checked prepare in a process (works out the allowed set) | ${ms(t => t.firstChecked)} |`)
  console.log(`| later checked prepares (median of 20) | ${ms(t => t.laterChecked)} |`)
  console.log(`| parse + prepare, the check before the allow-list (median of 20) | ${ms(t => t.parseAndPrepare)} |`)
  console.log(`| DuckDB's own prepare, no check (baseline) | ${ms(t => t.plainPrepare)} |`)
}
