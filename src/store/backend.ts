import type {z} from 'zod'

import {existsSync} from 'node:fs'

import type {StatePaths} from '../config/paths.js'
import type {EventKind} from '../core/event-kind.js'
import type {DaemonClient} from '../ipc/client.js'
import type {DaemonStatus, FinalStatus, Reply} from '../ipc/protocol.js'
import type {Operation} from './database-access.js'
import type {LocalAccess} from './local-access.js'
import type {QueryLimits} from './query-guard.js'
import type {QueryParams, RowBatch} from './query-stream.js'
import type {CopyToRequest, Store} from './read-store.js'

import {DevtraceError, errorMessage} from '../core/errors.js'
import {within} from '../core/within.js'

/**
 * The one place that knows whether the daemon runs. While it does, it owns the database file
 * (DuckDB lets no other process open it, not even read-only), so everything travels over its
 * socket; when it does not, this process opens the file itself. Callers get one interface and
 * never learn which.
 */
export interface Backend extends Store {
  /** Events as they are captured (the daemon only: a stopped daemon captures nothing). */
  follow(kinds?: EventKind[]): AsyncGenerator<RowBatch>
  /**
   * A change to the database, run where the file is held: the daemon runs `name` itself; here
   * `load` brings its code. The typed entry point is `operate()` in src/run-operation.ts: the store
   * never names the operations table, whose modules (analysis, privacy, transfer) build on it.
   */
  operate(name: string, params: unknown, load: LoadOperation): Promise<unknown>
  /** The running daemon's status, or undefined when it is not running. */
  status(): Promise<DaemonStatus | undefined>
  /** Pause capture (until resumed when `forMs` is absent); the daemon only. */
  pause(forMs?: number): Promise<DaemonStatus>
  resume(): Promise<DaemonStatus>
  /** Ask the daemon to flush and stop; its final status, or undefined when it is not running. */
  stop(): Promise<FinalStatus | undefined>
}

/** Loads the code of one operation, only in the process that runs it. */
export type LoadOperation = () => Promise<Operation<z.ZodType, unknown>>

/**
 * Connects to the daemon when it listens, else works on the file (opened only when first needed).
 * With `demo`, the demo database: no daemon ever holds it, so this process works on its file,
 * as on a stopped daemon's (reads open it read-only).
 */
export async function openBackend(paths: StatePaths, options: {demo?: boolean} = {}): Promise<Backend> {
  if (options.demo) {
    const {requireDemoDatabase} = await import('./demo-store.js')
    requireDemoDatabase(paths)
    return new LocalBackend({...paths, database: paths.demoDatabase})
  }

  const {DaemonClient} = await import('../ipc/client.js')
  const client = await DaemonClient.connect(paths)
  return client ? new DaemonBackend(client) : new LocalBackend(paths)
}

/**
 * The running daemon's pid, or undefined when none answers: the same question openBackend asks,
 * for the code that must know it without opening anything (start, and the clean-up after a
 * daemon died while starting).
 */
export async function runningDaemon(paths: StatePaths): Promise<{pid: number} | undefined> {
  const {callDaemon} = await import('../ipc/client.js')
  return callDaemon(paths, 'ping')
}

/** What answers on the daemon's socket: a daemon, nothing, or a peer that accepts and stays silent. */
export type DaemonPresence = {pid: number; state: 'answering'; version: string} | {reason: string; state: 'silent'} | {state: 'absent'}

/**
 * runningDaemon's question with a bound on every step, for `doctor`, which must finish whatever
 * holds the socket: a hung daemon or a stranger that accepts connections and never answers.
 */
export async function probeDaemon(paths: StatePaths, timeoutMs: number): Promise<DaemonPresence> {
  const {DaemonClient} = await import('../ipc/client.js')
  const client = await DaemonClient.connect(paths, timeoutMs)
  if (!client) return {state: 'absent'}
  const answer = client.request('ping', {}).then(
    ({pid, version}): DaemonPresence => ({state: 'answering', pid, version}),
    (error: unknown): DaemonPresence => ({state: 'silent', reason: `it did not answer: ${errorMessage(error)}`}),
  )
  try {
    return await within(timeoutMs, answer, () => ({state: 'silent', reason: `it accepted a connection but did not answer within ${timeoutMs / 1000} s`}))
  } finally {
    client.close()
  }
}

/** One piece of work on a backend, closed afterwards whatever happens. */
export async function withBackend<T>(paths: StatePaths, work: (backend: Backend) => Promise<T>, options: {demo?: boolean} = {}): Promise<T> {
  const backend = await openBackend(paths, options)
  try {
    return await work(backend)
  } finally {
    backend.close()
  }
}

/** The one sentence for "nothing has been captured here yet". */
export function noDatabaseError(database: string): DevtraceError {
  return new DevtraceError(`There is no devtrace database yet (${database}).`, {
    suggestion: 'Start capturing with `devtrace start`, or try `devtrace demo`.',
  })
}

export function notRunningError(what = 'devtrace is not running.'): DevtraceError {
  return new DevtraceError(what, {suggestion: 'Start it with `devtrace start`.'})
}

class DaemonBackend implements Backend {
  readonly via = 'daemon'

  constructor(private readonly client: DaemonClient) {}

  close(): void {
    this.client.close()
  }

  // The daemon enforces the timeout (it holds the connection to interrupt), and interrupts the
  // query by itself if this process goes away.
  async * query(sql: string, params?: QueryParams, limits: QueryLimits = {}): AsyncGenerator<RowBatch> {
    yield * withColumns(this.client.messages('query', {sql, params, timeoutMs: limits.timeoutMs ?? 0}))
  }

  async copyTo(request: CopyToRequest, started: () => void): Promise<number> {
    let rows = 0
    for await (const reply of this.client.messages('copy', {...request, timeoutMs: request.timeoutMs ?? 0})) {
      if (reply.type === 'rows') started()
      if (reply.type === 'end') rows = Number(reply.summary?.rows ?? 0)
    }

    return rows
  }

  follow(kinds?: EventKind[]): AsyncGenerator<RowBatch> {
    return withColumns(this.client.messages('follow', {kinds}))
  }

  async operate(name: string, params: unknown): Promise<unknown> {
    return this.client.request('operate', {name, params})
  }

  status(): Promise<DaemonStatus> {
    return this.client.request('status', {})
  }

  pause(forMs?: number): Promise<DaemonStatus> {
    return this.client.request('pause', {forMs})
  }

  resume(): Promise<DaemonStatus> {
    return this.client.request('resume', {})
  }

  stop(): Promise<FinalStatus> {
    return this.client.request('stop', {})
  }
}

/**
 * The daemon names the columns in a stream's first batch only (no need to repeat them for every
 * ~2048 rows); every batch this yields carries them, exactly as FileStore's do.
 */
async function * withColumns(replies: AsyncGenerator<Reply>): AsyncGenerator<RowBatch> {
  let columns: string[] = []
  for await (const reply of replies) {
    if (reply.type !== 'rows') continue
    columns = reply.columns ?? columns
    yield {columns, rows: reply.rows as RowBatch['rows']}
  }
}

/**
 * The daemon is not running: reads open the file read-only, an operation opens it read-write
 * (migrated, a crashed daemon's spool replayed) and keeps it open for reads that follow, so a
 * command that refreshes the rollup and then reads opens the file once.
 */
export class LocalBackend implements Backend {
  readonly via = 'file'
  private access: LocalAccess | undefined
  private store: Store | undefined

  constructor(private readonly paths: StatePaths) {}

  close(): void {
    this.store?.close()
    this.store = undefined
    this.access?.close()
    this.access = undefined
  }

  async * query(sql: string, params?: QueryParams, limits?: QueryLimits): AsyncGenerator<RowBatch> {
    yield * (await this.reads()).query(sql, params, limits)
  }

  async copyTo(request: CopyToRequest, started: () => void): Promise<number> {
    return (await this.reads()).copyTo(request, started)
  }

  // eslint-disable-next-line require-yield
  async * follow(): AsyncGenerator<RowBatch> {
    throw notRunningError('--follow needs the daemon: devtrace is not running.')
  }

  async operate(_name: string, params: unknown, load: LoadOperation): Promise<unknown> {
    const operation = await load()
    this.requireDatabase()
    if (!this.access) {
      const {LocalAccess} = await import('./local-access.js')
      this.access = await LocalAccess.open(this.paths.database)
    }

    try {
      return await operation.run(this.access, params)
    } catch (error) {
      this.close()
      throw error
    }
  }

  async status(): Promise<undefined> {
    return undefined
  }

  async pause(): Promise<DaemonStatus> {
    throw notRunningError()
  }

  async resume(): Promise<DaemonStatus> {
    throw notRunningError()
  }

  /** Nothing runs, so nothing to stop: `stop` succeeds without a daemon. */
  async stop(): Promise<undefined> {
    return undefined
  }

  /** The store reads go to, opened on first use: through the read-write file when an operation opened it. */
  async reads(): Promise<Store> {
    if (this.store) return this.store
    this.requireDatabase()
    const {FileStore} = await import('./file-store.js')
    if (this.access) {
      const connection = await this.access.connect()
      this.store = FileStore.over(connection, () => connection.closeSync())
    } else {
      this.store = await FileStore.open(this.paths.database)
    }

    return this.store
  }

  private requireDatabase(): void {
    if (!existsSync(this.paths.database)) throw noDatabaseError(this.paths.database)
  }
}
