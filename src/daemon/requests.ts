import type {DuckDBConnection} from '@duckdb/node-api'

import type {DaemonHandlers, ReplyChannel} from '../ipc/server.js'
import type {CaptureStore} from './capture-store.js'

import {copyToFifo} from '../store/copy-out.js'
import {DaemonStoppingError, QueryGuard} from '../store/query-guard.js'
import {type QueryParams, streamQuery} from '../store/query-stream.js'

/**
 * The daemon's read requests (`query`, and `copy` for CSV/JSON). Each runs on its own
 * connection under a QueryGuard, and is interrupted — so its CPU and memory are given back
 * within milliseconds — when its client goes away (Ctrl-C, `| head`, a crash), when its
 * timeout passes, and when the daemon stops.
 */
export class ReadRequests {
  private readonly running = new Set<QueryGuard>()
  private idle: Array<() => void> = []
  private stopping = false

  constructor(private readonly store: CaptureStore) {}

  /** Queries in progress right now (shown by `status`). */
  get count(): number {
    return this.running.size
  }

  get handlers(): Pick<DaemonHandlers, 'copy' | 'query'> {
    return {
      // DuckDB runs one statement at a time per connection, and capture keeps writing through
      // the Appender's connection meanwhile.
      query: (params, channel) => this.run(params, channel, async connection => {
        let first = true
        for await (const batch of streamQuery(connection, String(params.sql ?? ''), params.params as QueryParams | undefined)) {
          if (channel.closed) return
          await channel.send({type: 'rows', columns: first ? batch.columns : undefined, rows: batch.rows})
          first = false
        }

        await channel.send({type: 'end'})
      }),
      // Large CSV/JSON results: DuckDB writes them straight into the client's FIFO.
      copy: (params, channel) => this.run(params, channel, async connection => {
        const rows = await copyToFifo(connection, {
          sql: String(params.sql ?? ''),
          format: params.format === 'json' ? 'json' : 'csv',
          fifo: String(params.fifo ?? ''),
        }, () => channel.send({type: 'rows', rows: []}))
        await channel.send({type: 'end', summary: {rows}})
      }),
    }
  }

  /**
   * Interrupt every query and refuse new ones; resolves once all have given their connections
   * back, or after `graceMs` (a query DuckDB cannot interrupt must not keep the daemon alive).
   */
  async stopAll(graceMs: number): Promise<void> {
    this.stopping = true
    for (const guard of this.running) guard.interrupt('stopping')
    if (this.running.size === 0) return
    await new Promise<void>(resolve => {
      const timer = setTimeout(resolve, graceMs)
      this.idle.push(() => {
        clearTimeout(timer)
        resolve()
      })
    })
  }

  private async run(params: Record<string, unknown>, channel: ReplyChannel, work: (connection: DuckDBConnection) => Promise<void>): Promise<undefined> {
    if (this.stopping) throw new DaemonStoppingError()
    const connection = await this.store.connect()
    if (this.stopping) {
      // stop began while this waited for the file (a rewrite had it): too late to start.
      connection.closeSync()
      throw new DaemonStoppingError()
    }

    const timeoutMs = typeof params.timeoutMs === 'number' && params.timeoutMs > 0 ? params.timeoutMs : 0
    const guard = new QueryGuard(connection, {timeoutMs})
    this.running.add(guard)
    const cancel = (): void => guard.interrupt('cancelled')
    if (channel.closed) cancel()
    else channel.onClose(cancel)
    try {
      await work(connection)
    } catch (error) {
      throw guard.explain(error)
    } finally {
      guard.dispose()
      connection.closeSync()
      this.running.delete(guard)
      if (this.running.size === 0) {
        for (const wake of this.idle.splice(0)) wake()
      }
    }

    return undefined
  }
}
