/**
 * bench/startup: how long a quick command takes as a whole process, next to Node doing nothing.
 *
 *   npm run bench:startup -- [--runs 15] [--warmup 3] [--rounds 2] [--no-results]
 *
 * hyperfine (-N: no shell; --warmup, --runs) times, from a snapshot of the built CLI:
 * - `node -e 0` — the baseline;
 * - `node --input-type=module -e "await import('@oclif/core')"` — oclif's own import cost, for
 *   reference;
 * - `devtrace --version`;
 * - `devtrace status` with the daemon running (it answers over the socket);
 * - `devtrace status` with the daemon stopped and a database of a few thousand events (the command
 *   opens the file read-only to count them);
 * - `devtrace status` with no database yet.
 * Every command runs under `env DEVTRACE_HOME=…` (the baseline too, so all pay the same exec).
 * The daemon runs on a private Xvfb. Each round is one hyperfine invocation over all commands, the
 * order reversed from round to round so that drifts in machine load cancel; the table gives the
 * median of the rounds' medians (wall time) and the ratio to `node -e 0`.
 * Target: `status` and `--version` ≤ 2.2× `node -e 0`.
 */
import {execFileSync, spawnSync} from 'node:child_process'
import {
  mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync,
} from 'node:fs'
import os from 'node:os'
import path from 'node:path'

import {startXvfb} from '../test/helpers/xvfb.js'
import {ROOT, snapshotCli} from './snapshot.js'

interface Args {
  runs: number
  warmup: number
  rounds: number
  keepResults: boolean
}

function parseArgs(argv: string[]): Args {
  const args: Args = {
    runs: 15, warmup: 3, rounds: 2, keepResults: true,
  }
  for (let i = 0; i < argv.length; i++) {
    switch (argv[i]) {
    case '--no-results': {
      args.keepResults = false
      break
    }

    case '--rounds': {
      args.rounds = Number(argv[++i])
      break
    }

    case '--runs': {
      args.runs = Number(argv[++i])
      break
    }

    case '--warmup': {
      args.warmup = Number(argv[++i])
      break
    }

    default: {
      throw new Error(`unknown argument ${argv[i]}`)
    }
    }
  }

  if (!(args.runs >= 3) || !(args.warmup >= 0) || !(args.rounds >= 1)) throw new Error('--runs ≥ 3, --warmup ≥ 0, --rounds ≥ 1')
  return args
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  const middle = Math.floor(sorted.length / 2)
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
}

interface Case {
  name: string
  home: string
  args: string[]
  /** Measured against the 2.2× target. */
  target: boolean
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2))
  for (const tool of ['hyperfine', 'Xvfb', 'xdotool']) {
    if (spawnSync('sh', ['-c', `command -v ${tool}`]).status !== 0) throw new Error(`${tool} is needed`)
  }

  const snapshot = snapshotCli()
  const x = await startXvfb()
  const homes = {
    running: mkdtempSync(path.join(os.tmpdir(), 'devtrace-bench-startup-running-')),
    stopped: mkdtempSync(path.join(os.tmpdir(), 'devtrace-bench-startup-stopped-')),
    empty: mkdtempSync(path.join(os.tmpdir(), 'devtrace-bench-startup-empty-')),
  }
  const envFor = (home: string): NodeJS.ProcessEnv => {
    const env = {
      ...process.env, DISPLAY: x.display, DEVTRACE_HOME: home, NO_COLOR: '1',
    }
    delete env.DEBUG
    return env
  }

  const cli = (home: string, ...cliArgs: string[]): string => execFileSync(process.execPath, [snapshot.bin, ...cliArgs], {env: envFor(home), encoding: 'utf8'})
  const started = new Date()
  try {
    // A database with a few thousand events, then the daemon stopped.
    cli(homes.stopped, 'start', '--mouse-hz', '0')
    const moves = Array.from({length: 3000}, (_, i) => `mousemove ${100 + (i % 1000)} ${100 + Math.floor(i / 1000)}`).join('\n') + '\n'
    execFileSync('xdotool', ['-'], {env: envFor(homes.stopped), input: moves})
    cli(homes.stopped, 'stop')
    const stoppedEvents = (JSON.parse(cli(homes.stopped, 'status', '--json')) as {events_total: number}).events_total
    cli(homes.running, 'start')

    const node = process.execPath
    const cases: Case[] = [
      {
        name: 'node -e 0', home: homes.empty, args: [node, '-e', '0'], target: false,
      },
      {
        name: 'import @oclif/core', home: homes.empty, args: [node, '--input-type=module', '-e', '"await import(\'@oclif/core\')"'], target: false,
      },
      {
        name: 'devtrace --version', home: homes.empty, args: [node, snapshot.bin, '--version'], target: true,
      },
      {
        name: 'devtrace status (running)', home: homes.running, args: [node, snapshot.bin, 'status'], target: true,
      },
      {
        name: `devtrace status (stopped, ${stoppedEvents} events)`, home: homes.stopped, args: [node, snapshot.bin, 'status'], target: true,
      },
      {
        name: 'devtrace status (stopped, no database)', home: homes.empty, args: [node, snapshot.bin, 'status'], target: false,
      },
      // The other quick commands (issue 15): pause and resume ask the running daemon (idempotent,
      // so hyperfine may repeat them), stop with nothing running has nothing to stop.
      {
        name: 'devtrace pause (running)', home: homes.running, args: [node, snapshot.bin, 'pause'], target: true,
      },
      {
        name: 'devtrace resume (running)', home: homes.running, args: [node, snapshot.bin, 'resume'], target: true,
      },
      {
        name: 'devtrace stop (stopped)', home: homes.stopped, args: [node, snapshot.bin, 'stop'], target: true,
      },
    ]
    const medians: Record<string, number[]> = Object.fromEntries(cases.map(c => [c.name, []]))
    // CPU time (user + system, mean) is steadier than wall time on a shared machine: a second view.
    const cpu: Record<string, number[]> = Object.fromEntries(cases.map(c => [c.name, []]))
    for (let round = 0; round < args.rounds; round++) {
      const order = round % 2 === 0 ? cases : [...cases].reverse()
      const exportFile = path.join(snapshot.dir, `round-${round}.json`)
      const hyperfineArgs = ['-N', '--warmup', String(args.warmup), '--runs', String(args.runs), '--export-json', exportFile, '--style', 'none']
      for (const c of order) hyperfineArgs.push('-n', c.name, ['env', `DEVTRACE_HOME=${c.home}`, ...c.args].join(' '))
      // cwd: the snapshot, so that `import('@oclif/core')` resolves as the CLI's own import does.
      execFileSync('hyperfine', hyperfineArgs, {cwd: snapshot.dir, env: envFor(homes.empty), stdio: ['ignore', 'ignore', 'inherit']})
      const {results} = JSON.parse(readFileSync(exportFile, 'utf8')) as {results: Array<{command: string; median: number; system: number; user: number}>}
      for (const result of results) {
        medians[result.command].push(result.median)
        cpu[result.command].push(result.user + result.system)
      }

      console.log(`round ${round + 1}: ${results.map(result => `${result.command} ${(result.median * 1000).toFixed(0)} ms`).join(', ')}`)
    }

    const baseline = median(medians['node -e 0'])
    const rows = cases.map(c => {
      const rounds = medians[c.name]
      // Each round's own ratio too: the baseline of the same hyperfine run.
      const pairedRatio = median(rounds.map((m, i) => m / medians['node -e 0'][i]))
      return {
        name: c.name,
        target: c.target,
        median_s: median(rounds),
        rounds_s: rounds,
        ratio: median(rounds) / baseline,
        ratio_paired: pairedRatio,
        cpu_s: median(cpu[c.name]),
        cpu_ratio: median(cpu[c.name]) / median(cpu['node -e 0']),
      }
    })
    console.log('\n| command | median of round medians (ms) | rounds (ms) | × node -e 0 | CPU user+sys (ms) | CPU × node -e 0 |')
    console.log('| --- | --- | --- | --- | --- | --- |')
    for (const row of rows) {
      const wall = `${(row.median_s * 1000).toFixed(0)} | ${row.rounds_s.map(s => (s * 1000).toFixed(0)).join(', ')} | ${row.ratio.toFixed(2)}×${row.target ? '' : ' (reference)'}`
      console.log(`| ${row.name} | ${wall} | ${(row.cpu_s * 1000).toFixed(0)} | ${row.cpu_ratio.toFixed(2)}× |`)
    }

    const missed = rows.filter(row => row.target && row.ratio > 2.2)
    console.log(missed.length === 0 ? '\nall within 2.2× node -e 0' : `\nabove 2.2×: ${missed.map(row => row.name).join(', ')}`)
    if (args.keepResults) {
      const result = {
        bench: 'startup',
        date: started.toISOString(),
        revision: spawnSync('git', ['describe', '--always', '--dirty'], {cwd: ROOT, encoding: 'utf8'}).stdout.trim(),
        machine: `${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, ${Math.round(os.totalmem() / 2 ** 30)} GiB`,
        node: process.version,
        load_average: os.loadavg(),
        args,
        rows,
        target: 2.2,
      }
      mkdirSync(path.join(ROOT, 'bench', 'results'), {recursive: true})
      const file = path.join(ROOT, 'bench', 'results', `startup-${result.date.replaceAll(/[:.]/g, '-')}.json`)
      writeFileSync(file, JSON.stringify(result, null, 2) + '\n')
      console.log(`wrote ${file}`)
    }
  } finally {
    spawnSync(process.execPath, [snapshot.bin, 'stop'], {env: envFor(homes.running)})
    await x.stop()
    for (const dir of [...Object.values(homes), snapshot.dir]) rmSync(dir, {force: true, recursive: true})
  }
}

await main()
