import {cpSync, mkdtempSync, symlinkSync} from 'node:fs'
import os from 'node:os'
import path from 'node:path'

export const ROOT = path.resolve(import.meta.dirname, '..')

/**
 * The built CLI copied aside (bin, dist, manifest, package.json; node_modules linked), so that
 * other engineers rebuilding dist/ meanwhile cannot change what a bench measures half-way.
 * Remove `dir` afterwards (rmSync removes the node_modules link, not its target).
 */
export function snapshotCli(): {bin: string; dir: string} {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'devtrace-bench-cli-'))
  for (const entry of ['bin', 'dist', 'package.json', 'oclif.manifest.json']) {
    cpSync(path.join(ROOT, entry), path.join(dir, entry), {recursive: true})
  }

  symlinkSync(path.join(ROOT, 'node_modules'), path.join(dir, 'node_modules'))
  return {bin: path.join(dir, 'bin', 'run.js'), dir}
}
