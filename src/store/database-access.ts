import type {DuckDBConnection} from '@duckdb/node-api'
import type {z} from 'zod'

import {parseParams} from '../core/params.js'

/**
 * What an operation that changes the database gets to work with, wherever the database lives:
 * inside the daemon while it runs, or opened read-write by the command when it does not.
 */
export interface DatabaseAccess {
  /** The database file's path. */
  readonly file: string
  /** A fresh connection; close it when done. */
  connect(): Promise<DuckDBConnection>
  /**
   * Run `work` while no one holds the file (to rewrite it and swap a new one in), then open it
   * again. Inside the daemon, capture keeps buffering meanwhile and writes it all afterwards.
   */
  offline<T>(work: () => Promise<T>): Promise<T>
  /**
   * Run `work` on a fresh connection (closed after) that a rewrite never interleaves with: it
   * waits for a rewrite in progress, and a rewrite asked for while it runs interrupts it (it then
   * rejects with YieldedToRewriteError) rather than waiting. For background work in transactions
   * that commit whole or not at all, and can simply be done again (a chunk of the rollup build).
   */
  online<T>(work: (connection: DuckDBConnection) => Promise<T>): Promise<T>
}

// In its own module so that the daemon, which catches it, does not load zod with this one.
export {YieldedToRewriteError} from './yielded-to-rewrite.js'

/**
 * A change to the database with its parameters' schema. `run` takes parameters as they arrive
 * (JSON from a command or over the daemon's socket) and checks them with the schema first, so
 * the operation's body only ever sees valid, typed ones.
 */
export interface Operation<S extends z.ZodType, R> {
  readonly params: S
  run(db: DatabaseAccess, raw: unknown): Promise<R>
}

export function defineOperation<S extends z.ZodType, R>(params: S, body: (db: DatabaseAccess, params: z.output<S>) => Promise<R>): Operation<S, R> {
  return {params, run: async (db, raw) => body(db, parseParams(params, raw))}
}
