import {existsSync} from 'node:fs'
import {setTimeout as sleep} from 'node:timers/promises'

import type {Recorder} from '../capture/recorder.js'
import type {AppContext} from './app-context.js'
import type {CaptureStore} from './capture-store.js'
import type {Followers} from './followers.js'
import type {DaemonOptions} from './types.js'

import {readConfig} from '../config/read-config.js'
import {errorMessage} from '../core/errors.js'
import {type ConfigWatch, watchConfig} from './config-watch.js'
import {enforceRetention, RETENTION_EVERY_MS, RETENTION_FIRST_CHECK_MS} from './retention.js'

/** One queue slot per event; 200k events is minutes of the fastest input, a few tens of MB at most. */
export const QUEUE_CAPACITY = 200_000
const FOLLOW_TICK_MS = 100
const CHECKPOINT_EVERY_MS = 5 * 60 * 1000
/** The first rollup refresh comes soon after start: a database without a rollup starts its background build then. */
const FIRST_ROLLUP_REFRESH_MS = 1000

interface WriterParts {
  store: CaptureStore
  recorder: Recorder
  followers: Followers
  apps: AppContext
  log: (line: string) => void
}

/**
 * Moves captured events from the recorder into the store and on to `--follow` clients, and
 * commits them; keeps track of writes that fail (disk full, read-only folder) so `status` can
 * say so and the log says it once, not once per flush.
 */
export class Writer {
  private lastError: null | string = null
  private failures = 0

  constructor(private readonly parts: WriterParts) {}

  /** The message of the write that failed last, or null while writing works. */
  get lastWriteError(): null | string {
    return this.lastError
  }

  /** Move captured events into the Appender (memory only; during a rewrite the store holds them for its spool). */
  collect(): void {
    const {followers, recorder, store} = this.parts
    // While writes fail the store keeps what it holds and commits it once writing works again;
    // past the bound, new events wait in (and drop from) the recorder's queue.
    if (store.uncommitted >= QUEUE_CAPACITY) return
    const events = recorder.drain()
    if (events.length === 0) return
    store.append(events)
    followers.publish(events)
  }

  /** Commit: after this, a crash cannot lose these events. */
  flush(): void {
    const {apps, log, store} = this.parts
    try {
      this.collect()
      store.flush()
      apps.writeWindows(store)
      if (this.lastError !== null) log(`writing works again; ${this.failures} flushes had failed, nothing was lost`)
      this.lastError = null
      this.failures = 0
    } catch (error) {
      const message = errorMessage(error)
      // One log line per distinct problem, not one per flush interval on a disk that is full.
      if (message !== this.lastError) log(`write failed (events are kept in memory and retried): ${message}`)
      this.lastError = message
      this.failures++
    }
  }
}

interface SchedulerParts {
  options: DaemonOptions
  store: CaptureStore
  apps: AppContext
  writer: Writer
  log: (line: string) => void
}

/**
 * The daemon's timers: flush every `flush_ms`, the rollup refresh and a checkpoint every few
 * minutes, retention shortly after start and then daily, config.json watched for live changes,
 * and a faster hand-over of events while someone follows. `stop` clears them all.
 */
export class Scheduler {
  private readonly timers: NodeJS.Timeout[] = []
  private followTimer: NodeJS.Timeout | undefined
  private configWatch: ConfigWatch | undefined
  /** A refresh (maybe a long background build) is running: the next timer tick does not queue another. */
  private refreshing = false
  /** Set by stop(): a background build ends after the chunk it is on. */
  private stopped = false

  constructor(private readonly parts: SchedulerParts) {}

  start(): void {
    const {options, writer} = this.parts
    this.timers.push(
      setInterval(() => writer.flush(), options.flushMs),
      // The early tick only starts the refresh (a missing rollup's background build): checkpoints
      // keep their own rhythm, so the early tick adds no write of the whole file right after start.
      setTimeout(() => this.checkpoint({thenCheckpoint: false}), FIRST_ROLLUP_REFRESH_MS),
      setInterval(() => this.checkpoint(), CHECKPOINT_EVERY_MS),
      setTimeout(() => this.retain(), RETENTION_FIRST_CHECK_MS),
      setInterval(() => this.retain(), RETENTION_EVERY_MS),
    )
  }

  /** Apply changes to config.json to the running daemon (exclude_apps, titles, hotkey). */
  watchConfig(): void {
    const {apps, log, options} = this.parts
    this.configWatch = watchConfig(
      options.paths.config,
      config => apps.reload(config),
      message => log(`config not applied, keeping the previous settings: ${message}`),
    )
  }

  /** While someone follows, hand events on every 100 ms rather than once per flush interval. */
  following(active: boolean): void {
    clearInterval(this.followTimer)
    this.followTimer = active ? setInterval(() => this.parts.writer.collect(), FOLLOW_TICK_MS) : undefined
  }

  stop(): void {
    this.stopped = true
    for (const timer of this.timers.splice(0)) clearTimeout(timer)
    clearInterval(this.followTimer)
    this.configWatch?.stop()
  }

  /**
   * Keep the metrics rollup (src/analysis/rollup.ts) a few minutes behind capture, then checkpoint.
   * A missing rollup is built here a week at a time, each on its own connection: flushes and
   * reads go on between and during chunks, a rewrite (forget, redact, retention) runs between two,
   * and `status` shows how far it has come.
   */
  private checkpoint({thenCheckpoint = true} = {}): void {
    const {log, store} = this.parts
    if (!store.isOnline || this.refreshing) return
    this.refreshing = true
    const gate = testGate('DEVTRACE_TEST_ROLLUP_GATE')
    import('../analysis/rollup.js')
    .then(({refreshRollupOf}) => refreshRollupOf(store, {
      betweenChunks: async () => {
        await gate?.()
        return !this.stopped
      },
    }))
    .catch((error: unknown) => log(`rollup refresh skipped: ${errorMessage(error)}`))
    .then(() => this.compact())
    .finally(() => {
      this.refreshing = false
      if (thenCheckpoint && store.isOnline) store.connection.run('CHECKPOINT').catch((error: unknown) => log(`checkpoint skipped: ${errorMessage(error)}`))
    })
  }

  /**
   * Move past UTC days of events_live into the compact tables (src/store/compaction.ts), a day per
   * transaction on its own connection, like the rollup build: capture and reads go on meanwhile.
   */
  private async compact(): Promise<void> {
    const {log, store} = this.parts
    if (!store.isOnline || this.stopped) return
    const gate = testGate('DEVTRACE_TEST_COMPACTION_GATE')
    try {
      const {compactBacklog} = await import('../store/compaction.js')
      await compactBacklog(store, {
        log,
        betweenDays: async () => {
          await gate?.()
          return !this.stopped
        },
      })
    } catch (error) {
      log(`compaction skipped: ${errorMessage(error)}`)
    }
  }

  /** Data older than retention_days is forgotten for good, with the same rewrite as `forget`. */
  private retain(): void {
    const {log, options, store, writer} = this.parts
    readConfig(options.paths.config).then(
      ({retention_days: days}) => enforceRetention(store, days).then(
        result => {
          if (!result) return
          writer.flush() // what was captured during the rewrite
          log(`retention: removed ${result.removed} events older than ${result.cutoff} (retention_days ${days})`)
        },
        (error: unknown) => log(`retention skipped: ${errorMessage(error)}`),
      ),
      () => {}, // a broken config.json keeps data rather than guessing
    )
  }
}

/**
 * Test-only, not a user setting: DEVTRACE_TEST_ROLLUP_GATE (DEVTRACE_TEST_COMPACTION_GATE) names a
 * file, and while it exists the background rollup build (compaction) waits after each committed
 * chunk (day). End-to-end tests use it to see the work in progress and to run forget or redact in
 * the middle of it on a machine of any speed.
 */
function testGate(variable: 'DEVTRACE_TEST_COMPACTION_GATE' | 'DEVTRACE_TEST_ROLLUP_GATE'): (() => Promise<void>) | undefined {
  const file = process.env[variable]
  if (!file) return undefined
  return async () => {
    while (existsSync(file)) await sleep(50)
  }
}
