import assert from 'node:assert/strict'
import os from 'node:os'
import path from 'node:path'
import {describe, test} from 'node:test'

import type {Sandbox} from '../helpers/cli.js'

import {usePrivateDisplay} from '../helpers/display-suite.js'
import {e2eSkipReason, xdotool} from '../helpers/xvfb.js'

const skip = e2eSkipReason()

/** The daemon's policy on this machine (src/store/daemon-memory.ts): a quarter of RAM, 512 MiB–4 GiB. */
const policyMiB = Math.min(4096, Math.max(512, Math.floor(os.totalmem() / 4 / 1024 / 1024)))

/** DuckDB prints sizes like `4.0 GiB` or `300.0 MiB`. */
function mib(size: string): number {
  const match = /^([\d.]+) (MiB|GiB)$/.exec(size)
  assert.ok(match, `a size: ${size}`)
  return Number(match[1]) * (match[2] === 'GiB' ? 1024 : 1)
}

interface Settings {
  limit: string
  threads: number
  temp: string
  spill: string
}

/** The settings of the DuckDB instance a command opened itself (no daemon), as `query` sees them. */
async function settingsSeen(s: Sandbox, env: NodeJS.ProcessEnv = {}): Promise<Settings> {
  const result = await s.run(['query', '--json', `SELECT current_setting('memory_limit') AS "limit", current_setting('threads') AS threads,
    current_setting('temp_directory') AS temp, current_setting('max_temp_directory_size') AS spill`], {env})
  assert.equal(result.code, 0, result.stderr)
  return (JSON.parse(result.stdout) as Settings[])[0]
}

/**
 * Without a daemon, a command opens the file itself: under the daemon's memory policy, not
 * DuckDB's default of 80 % of RAM (which let a first summarize grow to 7 GiB).
 */
describe('commands without the daemon stay within the memory policy', {skip}, () => {
  const x = usePrivateDisplay()

  test('query, summarize and export run under the policy\'s memory limit, spilling beside the database; DEVTRACE_DAEMON_MEMORY changes it', async () => {
    const s = x.sandbox()
    delete s.env.DEVTRACE_DAEMON_MEMORY
    assert.equal((await s.run(['start'])).code, 0)
    xdotool(x.display, 'type', '--delay', '5', 'bounded')
    const stop = await s.run(['stop'])
    assert.equal(stop.code, 0, stop.stderr)

    const seen = await settingsSeen(s)
    // DuckDB prints the limit to one decimal of its unit (1971 MiB shows as 1.9 GiB): within 0.1 GiB.
    assert.ok(Math.abs(mib(seen.limit) - policyMiB) < 102.4, `${seen.limit} vs ${policyMiB} MiB`)
    assert.equal(mib(seen.spill), 2048)
    assert.equal(seen.temp, path.join(s.home, 'devtrace.duckdb.tmp'))
    assert.equal(Number(seen.threads), Math.max(1, Math.min(os.availableParallelism(), Math.floor(policyMiB / 128))))

    const small = {DEVTRACE_DAEMON_MEMORY: '300MiB'}
    const bounded = await settingsSeen(s, small)
    assert.equal(mib(bounded.limit), 300)
    assert.equal(Number(bounded.threads), Math.min(os.availableParallelism(), 2))

    // The long commands open the file the same way and complete within it: the first summary
    // builds the rollup, the export writes every event.
    const summary = await s.run(['summarize', '--json'], {env: small})
    assert.equal(summary.code, 0, summary.stderr)
    assert.equal((JSON.parse(summary.stdout) as {totals: {keys: number}}).totals.keys, 7)
    const out = path.join(s.home, 'events.csv')
    const exported = await s.run(['export', '--format', 'csv', '--out', out], {env: small})
    assert.equal(exported.code, 0, exported.stderr)
  })
})
