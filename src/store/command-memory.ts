import os from 'node:os'

import {daemonDatabaseSettings} from './daemon-memory.js'

const MIB = 1024 * 1024
/**
 * DuckDB's own floor is about 125 MiB per worker thread (each keeps buffers of its own); below it
 * a query fails rather than spills. So a small limit gets fewer threads, never less per thread.
 */
const MIB_PER_THREAD = 128

/**
 * DuckDB settings for a command that opens the file itself (no daemon running): summarize, report,
 * exposure, export, forget, redact, query, demo. Without them DuckDB takes 80 % of the machine's
 * memory, and a first rollup build or a coarse redaction grew to 7 GiB (BENCHMARKS.md, "peak memory
 * of long commands"). They are the daemon's policy (daemonDatabaseSettings: a quarter of RAM,
 * 512 MiB–4 GiB, DEVTRACE_DAEMON_MEMORY overrides it; spill to `<database>.tmp` beside the file,
 * at most 2 GiB), so a command and the daemon it stands in for work within the same bounds.
 * `memoryLimit` replaces the limit (demo keeps its database within a few hundred MB).
 */
export function commandDatabaseSettings(memoryLimit?: string): Record<string, string> {
  const daemon = daemonDatabaseSettings()
  const limit = memoryLimit ?? daemon.memory_limit
  const settings: Record<string, string> = {memory_limit: limit, max_temp_directory_size: daemon.max_temp_directory_size}
  const limitMiB = sizeInMiB(limit)
  if (limitMiB !== undefined) settings.threads = String(threadsWithin(limitMiB))
  return settings
}

/** Worker threads for a memory limit: every core, as long as each keeps MIB_PER_THREAD. */
export function threadsWithin(limitMiB: number, cores = os.availableParallelism()): number {
  return Math.max(1, Math.min(cores, Math.floor(limitMiB / MIB_PER_THREAD)))
}

const UNITS: Record<string, number> = {
  '': 1 / MIB, b: 1 / MIB, kb: 1000 / MIB, kib: 1024 / MIB, mb: 1e6 / MIB, mib: 1, gb: 1e9 / MIB, gib: 1024, tb: 1e12 / MIB, tib: 1024 * 1024,
}

/** A DuckDB size (`4096MiB`, `8GB`, `512 mb`) in MiB; undefined for what DuckDB will judge itself. */
export function sizeInMiB(size: string): number | undefined {
  const match = /^(\d+(?:\.\d+)?)\s*([a-z]*)$/i.exec(size.trim())
  const unit = match ? UNITS[match[2].toLowerCase()] : undefined
  return match && unit !== undefined ? Number(match[1]) * unit : undefined
}
