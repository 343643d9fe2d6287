#!/usr/bin/env node
/**
 * The README's command reference (between `<!-- commands -->` and `<!-- commandsstop -->`) is
 * generated from the built commands by `oclif readme`, so it says what `--help` says.
 *
 *   npm run readme          build, then rewrite the reference in README.md
 *   node scripts/readme.mjs --check
 *                           (part of `npm run lint`) regenerate into a temporary copy and fail
 *                           if README.md differs: the reference is stale
 */
import {execFileSync} from 'node:child_process'
import {
  copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync,
} from 'node:fs'
import {createRequire} from 'node:module'
import os from 'node:os'
import path from 'node:path'

const ROOT = path.resolve(import.meta.dirname, '..')
const README = path.join(ROOT, 'README.md')
const check = process.argv.includes('--check')

/** Run `oclif readme` on `readmePath`, from the built commands. */
function generate(readmePath) {
  if (!existsSync(path.join(ROOT, 'oclif.manifest.json'))) {
    console.error('There is no build to read the commands from. Run `npm run build` first.')
    process.exit(1)
  }

  const oclif = createRequire(import.meta.url).resolve('oclif/bin/run.js')
  execFileSync(process.execPath, [oclif, 'readme', '--readme-path', readmePath, '--no-aliases', '--no-source-links'], {
    cwd: ROOT,
    // The oclif dev tool would otherwise ask the npm registry whether it is out of date; the width
    // is fixed so that the text does not depend on the terminal it was generated in.
    env: {
      ...process.env, OCLIF_SKIP_NEW_VERSION_CHECK: 'true', OCLIF_COLUMNS: '120', COLUMNS: '120',
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  })
}

if (check) {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'devtrace-readme-'))
  try {
    const copy = path.join(dir, 'README.md')
    copyFileSync(README, copy)
    generate(copy)
    const current = readFileSync(README, 'utf8').split('\n')
    const fresh = readFileSync(copy, 'utf8').split('\n')
    const lines = Math.max(current.length, fresh.length)
    const line = Array.from({length: lines}, (_, i) => i).find(i => fresh[i] !== current[i])
    if (line !== undefined) {
      console.error(`README.md's command reference is stale (from line ${line + 1}: "${fresh[line] ?? ''}" is generated, the file has "${current[line] ?? ''}").`)
      console.error('Run `npm run readme` to regenerate it from the commands, and commit README.md.')
      process.exit(1)
    }

    console.log('README.md\'s command reference matches the commands.')
  } finally {
    rmSync(dir, {force: true, recursive: true})
  }
} else {
  generate(README)
}
