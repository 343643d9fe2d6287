/**
 * bench/compaction: the demo database (7 days of synthetic input, `devtrace demo`) as a build of
 * main leaves it (one wide `events` table, µs) and as this build leaves it (past days compacted:
 * src/store/compaction.ts), and how fast the same reads are on each, in one run.
 *
 *   node --import tsx bench/compaction.ts --base /tmp/base/bin/run.js [--days 7] [--rounds 5]
 *
 * --base is the bin/run.js of a build of main (e.g. `git worktree add /tmp/base main`, copy
 * node_modules, `npm run build`). For each build: `demo --days N` in a private DEVTRACE_HOME, then
 * bytes per event of the whole file and of the event tables alone (copied into a fresh file, the
 * used blocks of an empty database subtracted). Reads, whole commands on the demo database,
 * alternating which build goes first each round: `query` with a grouped scan of every event,
 * `export` to Parquet, `summarize --json`. Medians and after/before ratios.
 */
import {DuckDBInstance} from '@duckdb/node-api'
import {execFileSync} from 'node:child_process'
import {
  mkdtempSync, readFileSync, rmSync, statSync,
} from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import {parseArgs} from 'node:util'

const ROOT = path.resolve(import.meta.dirname, '..')
const {values} = parseArgs({
  options: {
    base: {type: 'string'},
    days: {type: 'string', default: '7'},
    rounds: {type: 'string', default: '5'},
  },
})
if (!values.base) throw new Error('--base needs the bin/run.js of a build of main')
const BUILDS = {before: path.resolve(values.base), after: path.join(ROOT, 'bin', 'run.js')} as const
type Build = keyof typeof BUILDS
const DAYS = Number(values.days)
const ROUNDS = Number(values.rounds)

const GROUPED = 'SELECT kind, app, count(*) AS n, count(DISTINCT session_id) AS s, min(ts) AS first, max(ts) AS last FROM events GROUP BY ALL ORDER BY ALL'

function run(build: Build, home: string, args: string[]): number {
  const started = performance.now()
  execFileSync(process.execPath, [BUILDS[build], ...args], {env: {...process.env, DEVTRACE_HOME: home}, stdio: ['ignore', 'ignore', 'pipe'], maxBuffer: 1 << 26})
  return (performance.now() - started) / 1000
}

async function scalar(file: string, sql: string): Promise<number> {
  const instance = await DuckDBInstance.create(file)
  const connection = await instance.connect()
  try {
    const reader = await connection.runAndReadAll(sql)
    return Number(reader.getRows()[0][0])
  } finally {
    connection.closeSync()
    instance.closeSync()
  }
}

/** Bytes the event tables of `file` take: copied alone into a fresh file, minus an empty one. */
async function eventBytes(file: string, dir: string): Promise<number> {
  const used = async (target: string, tables: string[]): Promise<number> => {
    rmSync(target, {force: true})
    const instance = await DuckDBInstance.create(target)
    const connection = await instance.connect()
    try {
      await connection.run(`ATTACH '${file}' AS src (READ_ONLY)`)
      for (const table of tables) await connection.run(`CREATE TABLE "${table}" AS SELECT * FROM src."${table}" ORDER BY rowid`)
      await connection.run('DETACH src')
      await connection.run('CHECKPOINT')
      const reader = await connection.runAndReadAll('SELECT used_blocks * block_size FROM pragma_database_size() WHERE database_name = current_database()')
      return Number(reader.getRows()[0][0])
    } finally {
      connection.closeSync()
      instance.closeSync()
      rmSync(target, {force: true})
    }
  }

  const instance = await DuckDBInstance.create(file, {access_mode: 'READ_ONLY'})
  const connection = await instance.connect()
  let tables: string[]
  try {
    const reader = await connection.runAndReadAll('SELECT table_name FROM duckdb_tables() WHERE table_name LIKE \'events%\' ORDER BY 1')
    tables = reader.getRows().map(row => String(row[0]))
  } finally {
    connection.closeSync()
    instance.closeSync()
  }

  return (await used(path.join(dir, 'copy.duckdb'), tables)) - (await used(path.join(dir, 'empty.duckdb'), []))
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b)
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2
}

const homes: Record<Build, string> = {before: '', after: ''}
const sizes: Record<Build, {events: number; file: number; eventsOnly: number; demoSeconds: number}> = {} as never
const dirs: string[] = []
try {
  for (const build of ['before', 'after'] as const) {
    const home = mkdtempSync(path.join(os.tmpdir(), `devtrace-bench-compaction-${build}-`))
    dirs.push(home)
    homes[build] = home
    const demoSeconds = run(build, home, ['demo', '--days', String(DAYS), '--json'])
    const file = path.join(home, 'demo', 'demo.duckdb')
    const events = await scalar(file, 'SELECT count(*) FROM events')
    sizes[build] = {
      events, file: statSync(file).size, eventsOnly: await eventBytes(file, home), demoSeconds,
    }
    const perEvent = (bytes: number): string => (bytes / events).toFixed(2)
    process.stderr.write(`${build}: ${events} events, ${perEvent(sizes[build].file)} B/event whole file, ${perEvent(sizes[build].eventsOnly)} events only, demo ${demoSeconds.toFixed(1)} s\n`)
  }

  const reads: Record<string, (build: Build) => string[]> = {
    'query (grouped scan of every event)': () => ['query', '--demo', GROUPED, '--json'],
    'export --out x.parquet': build => ['export', '--demo', '--out', path.join(homes[build], `x-${Date.now()}.parquet`)],
    'summarize --json': () => ['summarize', '--demo', '--json'],
  }
  const times: Record<string, Record<Build, number[]>> = {}
  for (const name of Object.keys(reads)) times[name] = {before: [], after: []}
  for (let round = 0; round < ROUNDS; round++) {
    const order: Build[] = round % 2 === 0 ? ['before', 'after'] : ['after', 'before']
    for (const [name, args] of Object.entries(reads)) {
      for (const build of order) times[name][build].push(run(build, homes[build], args(build)))
    }

    process.stderr.write(`round ${round + 1}/${ROUNDS} done\n`)
  }

  const load = readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ')
  const lines = [
    `### compaction: demo --days ${DAYS}, ${ROUNDS} alternating rounds (load average at the end ${load}, ${os.cpus().length} cores)`,
    '',
    '| | before (main) | after (compacted) |',
    '| --- | ---: | ---: |',
    `| events | ${sizes.before.events} | ${sizes.after.events} |`,
    `| whole demo file, B/event | ${(sizes.before.file / sizes.before.events).toFixed(2)} | ${(sizes.after.file / sizes.after.events).toFixed(2)} |`,
    `| event tables only, B/event | ${(sizes.before.eventsOnly / sizes.before.events).toFixed(2)} | ${(sizes.after.eventsOnly / sizes.after.events).toFixed(2)} |`,
    `| demo wall time, s | ${sizes.before.demoSeconds.toFixed(1)} | ${sizes.after.demoSeconds.toFixed(1)} |`,
    '',
    '| read (whole command) | before median s | after median s | after/before |',
    '| --- | ---: | ---: | ---: |',
    ...Object.entries(times).map(([name, t]) => `| ${name} | ${median(t.before).toFixed(2)} | ${median(t.after).toFixed(2)} | ${(median(t.after) / median(t.before)).toFixed(2)} |`),
  ]
  process.stdout.write(`${lines.join('\n')}\n`)
} finally {
  for (const dir of dirs) rmSync(dir, {force: true, recursive: true})
}
