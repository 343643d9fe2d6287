#!/usr/bin/env node
// On import, @oclif/core checks the Node version against its own `engines` with semver, which
// costs ~15 ms of every command's start (BENCHMARKS.md, startup); devtrace's `engines` is stricter.
process.env.OCLIF_DISABLE_ENGINE_WARNING ??= '1'
const {execute} = await import('@oclif/core')

await execute({dir: import.meta.url})
