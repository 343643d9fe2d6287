import type {DuckDBConnection} from '@duckdb/node-api'

import {formatDuration} from '../core/duration.js'
import {DevtraceError, errorMessage} from '../core/errors.js'

/** How long a query may run unless the user says otherwise (`--timeout`). */
export const DEFAULT_QUERY_TIMEOUT_MS = 5 * 60 * 1000

/** Why a running query was interrupted: each ends in a different sentence for the user. */
export type InterruptReason = 'cancelled' | 'stopping' | 'timeout'

export interface QueryLimits {
  /** Interrupt the query after this long; 0 or undefined means no limit. */
  timeoutMs?: number
}

export class QueryTimeoutError extends DevtraceError {
  constructor(timeoutMs: number) {
    super(`The query ran past its time limit of ${formatDuration(timeoutMs)} and was stopped.`, {
      suggestion: 'Give it longer with --timeout (like --timeout 30m), or --timeout 0 for no limit.',
    })
    this.name = 'QueryTimeoutError'
  }
}

export class QueryOutOfMemoryError extends DevtraceError {
  constructor() {
    super('The query needed more memory than devtrace lets a query use and was stopped; capture was not affected.', {
      suggestion: 'Narrow it (a WHERE on ts, fewer columns, an aggregate or LIMIT) and run it again.',
    })
    this.name = 'QueryOutOfMemoryError'
  }
}

export class DaemonStoppingError extends DevtraceError {
  constructor() {
    super('The query was stopped because the devtrace daemon is stopping.', {
      suggestion: 'Run it again once `devtrace status` shows the daemon running, or stopped.',
    })
    this.name = 'DaemonStoppingError'
  }
}

/**
 * Watches one query on its own connection and interrupts it (DuckDB stops within milliseconds,
 * mid-scan) when its time is up or when whoever asked for it has gone. DuckDB then reports a
 * bare "Interrupted!"; `explain` turns that, and running out of memory, into what happened.
 */
export class QueryGuard {
  private reason: InterruptReason | undefined
  private readonly timer: NodeJS.Timeout | undefined

  constructor(private readonly connection: DuckDBConnection, private readonly limits: QueryLimits = {}) {
    const timeoutMs = limits.timeoutMs ?? 0
    if (timeoutMs > 0) {
      this.timer = setTimeout(() => this.interrupt('timeout'), timeoutMs)
      this.timer.unref()
    }
  }

  get interruptedBecause(): InterruptReason | undefined {
    return this.reason
  }

  interrupt(reason: InterruptReason): void {
    if (this.reason) return
    this.reason = reason
    this.connection.interrupt()
  }

  /** The error to report for a failure of the guarded query. */
  explain(error: unknown): unknown {
    if (this.reason === 'timeout') return new QueryTimeoutError(this.limits.timeoutMs ?? 0)
    if (this.reason === 'stopping') return new DaemonStoppingError()
    if (/out of memory/i.test(errorMessage(error))) return new QueryOutOfMemoryError()
    return error
  }

  dispose(): void {
    clearTimeout(this.timer)
  }
}

/** Run `work` on `connection` under a guard, reporting failures as `explain` words them. */
export async function guarded<T>(connection: DuckDBConnection, limits: QueryLimits, work: (guard: QueryGuard) => Promise<T>): Promise<T> {
  const guard = new QueryGuard(connection, limits)
  try {
    return await work(guard)
  } catch (error) {
    throw guard.explain(error)
  } finally {
    guard.dispose()
  }
}
