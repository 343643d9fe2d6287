#!/usr/bin/env node
// status, pause, resume, stop and `start --foreground` (the daemon) run without loading oclif when
// their arguments are plain (src/fast-path.ts): oclif's import alone costs about as much as
// starting Node, and ~15 MiB the daemon would keep all day (BENCHMARKS.md, startup and daemon).
const {runFastPath} = await import('../dist/fast-path.js')
if (!(await runFastPath(process.argv.slice(2)))) {
  // On import, @oclif/core checks the Node version against its own `engines` with semver, which
  // costs ~15 ms of every command's start (BENCHMARKS.md, startup); devtrace's `engines` is stricter.
  process.env.OCLIF_DISABLE_ENGINE_WARNING ??= '1'
  const {execute} = await import('@oclif/core')
  await execute({dir: import.meta.url})
}
