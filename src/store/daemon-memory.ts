import os from 'node:os'

const MIB = 1024 * 1024

/**
 * DuckDB settings for the daemon's instance, which queries share with the capture writer.
 *
 * DuckDB's `memory_limit` is per instance, not per connection, so the design is: one limit for
 * the whole instance — a quarter of the machine's memory, between 512 MiB and 4 GiB — which
 * every query (and export, redact, summarize) runs under. The writer needs little of it (the
 * Appender and the rows committed since the last checkpoint: a few MiB at the fastest input),
 * and DuckDB gives a query's memory back the moment it fails, so:
 *
 * - a query that needs more than the limit (and cannot spill: lists, string_agg, …) fails with
 *   DuckDB's "Out of Memory", reported as one sentence; it never grows the process until the
 *   kernel kills it, capture and all;
 * - a flush that happens to meet a query at the limit fails like a full disk does: the events
 *   stay in memory and are written on the next flush, so nothing is lost;
 * - what can spill (sorts, joins, aggregates) spills to `devtrace.duckdb.tmp` next to the
 *   database, at most 2 GiB, so a big query cannot fill the disk capture writes to.
 *
 * DEVTRACE_DAEMON_MEMORY (a DuckDB size such as `256MB` or `8GB`) overrides the limit, for
 * small machines or big data.
 */
export function daemonDatabaseSettings(): Record<string, string> {
  return {
    memory_limit: process.env.DEVTRACE_DAEMON_MEMORY?.trim() || `${defaultLimitMiB()}MiB`,
    max_temp_directory_size: '2GiB',
  }
}

function defaultLimitMiB(): number {
  const quarter = Math.floor(os.totalmem() / 4 / MIB)
  return Math.min(4096, Math.max(512, quarter))
}

/**
 * DuckDB's allocator (its own jemalloc) keeps freed pages resident for 5 s before returning them
 * to the system. Under a steady input stream every flush frees and allocates again, so that delay
 * alone holds several MiB of the daemon's RSS; 1 s returns them sooner for no measurable CPU (see
 * BENCHMARKS.md, "the daemon under a pointer stream"). jemalloc reads this variable when DuckDB
 * first allocates, so the daemon sets it before it opens the database; a value the user set wins.
 */
export const DAEMON_ALLOCATOR_CONF = 'dirty_decay_ms:1000,muzzy_decay_ms:0'

export function tuneDaemonAllocator(env: NodeJS.ProcessEnv = process.env): void {
  env.DUCKDB_JE_MALLOC_CONF ??= DAEMON_ALLOCATOR_CONF
}
