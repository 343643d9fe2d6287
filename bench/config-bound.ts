/**
 * bench/config-bound: what an oversized config.json costs a command, now that devtrace refuses
 * one over 1 MiB before reading it.
 *
 *   npm run bench:config-bound -- [--runs 10] [--mib 50] [--before DIR]
 *
 * hyperfine (-N, 2 warmup runs) times `devtrace config get level` from a snapshot of the built CLI:
 * - with a small config.json (the baseline: a normal run);
 * - with a config.json of --mib MiB (valid JSON: one long exclude_apps list), which is refused.
 * - for reference, `node -e` reading and parsing that large file: what the CLI (and the daemon, on
 *   every change of the file) paid before the bound.
 * - with --before DIR (a built checkout of an earlier devtrace), that build with the large file.
 * All in the same hyperfine invocation, so machine load hits them alike. Prints the medians.
 */
import {execFileSync} from 'node:child_process'
import {
  mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync,
} from 'node:fs'
import os from 'node:os'
import path from 'node:path'

import {snapshotCli} from './snapshot.js'

const argv = process.argv.slice(2)
const option = (name: string, fallback: number): number => {
  const index = argv.indexOf(name)
  return index === -1 ? fallback : Number(argv[index + 1])
}

const runs = option('--runs', 10)
const mib = option('--mib', 50)
const beforeIndex = argv.indexOf('--before')
const before = beforeIndex === -1 ? undefined : path.resolve(argv[beforeIndex + 1])
const cli = snapshotCli()
const work = mkdtempSync(path.join(os.tmpdir(), 'devtrace-bench-config-'))
try {
  const small = path.join(work, 'small')
  const large = path.join(work, 'large')
  mkdirSync(small)
  mkdirSync(large)
  writeFileSync(path.join(small, 'config.json'), '{"level": "minimal"}\n')
  const names = Array.from({length: Math.ceil((mib * 1024 * 1024) / 10)}, () => '"abcdefg"').join(',')
  writeFileSync(path.join(large, 'config.json'), `{"exclude_apps": [${names}]}`)
  const results = path.join(work, 'results.json')
  const command = (home: string, bin = cli.bin): string => `env DEVTRACE_HOME=${home} ${process.execPath} ${bin} config get level`
  const earlier = before ? ['-n', `${mib} MiB config.json, earlier build`, command(large, path.join(before, 'bin', 'run.js'))] : []
  execFileSync('hyperfine', ['-N',
    '-i',
    '--warmup',
    '2',
    '--runs',
    String(runs),
    '--export-json',
    results,
    '-n',
    'small config.json',
    command(small),
    '-n',
    `${mib} MiB config.json (refused)`,
    command(large),
    '-n',
    `node parsing the ${mib} MiB file (reference)`,
    `${process.execPath} -e JSON.parse(require('fs').readFileSync('${path.join(large, 'config.json')}','utf8'))`,
    ...earlier], {stdio: 'inherit'})
  const {results: rows} = JSON.parse(readFileSync(results, 'utf8')) as {results: Array<{command: string; median: number}>}
  console.log('\n| config.json | median |\n| --- | --- |')
  for (const row of rows) console.log(`| ${row.command} | ${(row.median * 1000).toFixed(0)} ms |`)
} finally {
  rmSync(work, {force: true, recursive: true})
  rmSync(cli.dir, {force: true, recursive: true})
}
