/**
 * bench/exposure: what `devtrace exposure` and the exposure line of `export --redact` cost.
 *
 *   npm run build && node --import tsx bench/exposure.ts [--days N] [--runs R]
 *
 * The database is the demo generator's (`writeDemoDatabase`, N days, default 7), copied to a
 * private DEVTRACE_HOME as devtrace.duckdb; the daemon is not running, so every command opens the
 * file itself. Each round runs, as child processes of the built CLI (bin/run.js), in turn:
 * `exposure --json` (all four profiles), `export --redact coarse` (the export plus its exposure
 * line) and `export --format parquet` without --redact (no line: the baseline), and reports the
 * median wall time of R rounds (default 5). Rounds are interleaved so a busy moment of the shared
 * machine hits all three alike.
 */
import {spawnSync} from 'node:child_process'
import {mkdtempSync, rmSync} from 'node:fs'
import {cpus, tmpdir} from 'node:os'
import path from 'node:path'
import {fileURLToPath} from 'node:url'

import {writeDemoDatabase} from '../src/demo/demo-data.js'
import {median, option} from './run-options.js'

const ROOT = path.join(path.dirname(fileURLToPath(import.meta.url)), '..')
const BIN = path.join(ROOT, 'bin', 'run.js')

const days = option('--days', 7)
const runs = option('--runs', 5)
const home = mkdtempSync(path.join(tmpdir(), 'devtrace-bench-exposure-'))
try {
  const {events} = await writeDemoDatabase(path.join(home, 'devtrace.duckdb'), {days, seed: 1})
  const env = {...process.env, DEVTRACE_HOME: home, NO_COLOR: '1'}
  const commands: Record<string, string[]> = {
    'exposure --json': ['exposure', '--json'],
    'export --redact coarse (with its exposure line)': ['export', '--out', path.join(home, 'coarse.parquet'), '--redact', 'coarse', '--force'],
    'export, no --redact (no line)': ['export', '--out', path.join(home, 'all.parquet'), '--force'],
  }
  const times: Record<string, number[]> = Object.fromEntries(Object.keys(commands).map(name => [name, []]))
  for (let round = 0; round < runs; round++) {
    for (const [name, args] of Object.entries(commands)) {
      const started = performance.now()
      const result = spawnSync(process.execPath, [BIN, ...args], {env, encoding: 'utf8'})
      if (result.status !== 0) throw new Error(`${args.join(' ')} failed: ${result.stderr}`)
      times[name].push(performance.now() - started)
    }
  }

  console.log(`${events.toLocaleString('en-US')} demo events (${days} days), ${cpus().length} cores (${cpus()[0]?.model ?? 'unknown'}), median of ${runs} rounds:`)
  for (const [name, values] of Object.entries(times)) console.log(`  ${name.padEnd(50)} ${(median(values) / 1000).toFixed(2)} s  (runs: ${values.map(v => (v / 1000).toFixed(2)).join(', ')})`)
} finally {
  rmSync(home, {force: true, recursive: true})
}
