import type {Config} from '../config/config.js'
import type {CaptureBackend} from '../core/capture-backend.js'
import type {StartGuard} from './start-guard.js'
import type {DaemonOptions, ReadyInfo} from './types.js'

import {chooseBackend, startCapture} from '../capture/backend.js'
import {nowMicros} from '../capture/hook.js'
import {Recorder} from '../capture/recorder.js'
import {prepareStateFolder} from '../config/paths.js'
import {readConfig} from '../config/read-config.js'
import {errorMessage} from '../core/errors.js'
import {listen} from '../ipc/server.js'
import {tuneDaemonAllocator} from '../store/daemon-memory.js'
import {AppContext} from './app-context.js'
import {CaptureStore} from './capture-store.js'
import {Followers} from './followers.js'
import {type DaemonContext, daemonHandlers} from './handlers.js'
import {claimDatabase, Shutdown, writePidFile} from './lifecycle.js'
import {DaemonLog} from './log.js'
import {keepPauseAcrossRestarts, pausedUntil, type SavedPause} from './pause-state.js'
import {ReadRequests} from './requests.js'
import {QUEUE_CAPACITY, Scheduler, Writer} from './scheduler.js'
import {beginSession} from './session.js'

export {AlreadyRunningError} from './lifecycle.js'
export type {DaemonOptions, DaemonStatus, ReadyInfo} from './types.js'

/**
 * The capture daemon: owns the database for as long as it runs (DuckDB lets no other process
 * open the file meanwhile), records input, and answers the CLI over its socket. Resolves once
 * the daemon has stopped and everything buffered is on disk.
 *
 * The parts: lifecycle.ts (the lock, shutdown, signals), scheduler.ts (writing and the timers),
 * handlers.ts (one function per IPC method); this function only puts them together, in order.
 */
export async function runDaemon(options: DaemonOptions, onReady: (info: ReadyInfo) => void, guard?: StartGuard): Promise<void> {
  const {paths} = options
  // Before DuckDB is loaded: its allocator reads the setting once, at its first allocation.
  tuneDaemonAllocator()
  prepareStateFolder(paths)
  const daemonLog = new DaemonLog(paths.logFile, options.echoLog)
  const log = (line: string): void => daemonLog.write(line)

  const {backend, lockGate, warnings} = await chooseBackend(options.backend, process.env, {level: options.level})
  // Run by hand or by a service manager, the log is echoed: this is where it hears them.
  for (const warning of warnings) log(warning)
  const db = await claimDatabase(paths, log, guard)
  const startedMicros = nowMicros()
  const sessionId = await beginSession(db.connection, {
    level: options.level, backend, version: options.version, startedMicros,
  })
  const store = await CaptureStore.attach(paths.database, db, sessionId, log)
  const config = await readConfig(paths.config)
  const {context, restoredPause, scheduler} = assembleDaemon(options, store, {
    sessionId, backend, startedMicros, walMovedTo: db.walMovedTo, config, log,
  })
  const {apps, recorder, shutdown} = context
  scheduler.start()

  shutdown.server = await listen(paths.socket, daemonHandlers(context), log)
  guard?.listening(shutdown.server)
  writePidFile(paths)
  shutdown.stopOnSignals()

  apps.start()
  scheduler.watchConfig()
  shutdown.hook = await startCapture(backend, {
    onInput: (raw, ts) => recorder.handle(raw, ts),
    onListenerError: error => log(`input listener error: ${errorMessage(error)}`),
    log,
    lockGate,
  })
  log(`capturing (pid ${process.pid}, level ${options.level}, backend ${backend}, session ${sessionId})`)
  onReady({
    pid: process.pid, level: options.level, backend, sessionId, walMovedTo: db.walMovedTo, pausedUntil: pausedUntil(restoredPause),
  })
  await shutdown.done
}

/**
 * The daemon's parts around a store that is recording into session `run.sessionId`, wired to
 * each other but not yet started: no timers, no socket, no input hook (runDaemon starts those).
 */
export function assembleDaemon(
  options: DaemonOptions,
  store: CaptureStore,
  run: {sessionId: number; backend: CaptureBackend; startedMicros: number; walMovedTo?: string; config: Config; log: (line: string) => void},
): {context: DaemonContext; restoredPause: SavedPause | undefined; scheduler: Scheduler} {
  const {paths} = options
  const {config, log, sessionId} = run
  const reads = new ReadRequests(store)
  const recorder = new Recorder({level: options.level, mouseHz: options.mouseHz, queueCapacity: QUEUE_CAPACITY})
  // Focused app, exclude_apps, window titles and the panic hotkey.
  const apps = new AppContext({
    recorder, level: options.level, paths, sessionId, config, log,
  })
  // A pause outlives the daemon: restarted after a crash or by a service manager, it still holds.
  const pause = keepPauseAcrossRestarts(recorder, paths, log)
  // The follow tick belongs to the scheduler, which needs the writer, which publishes to followers.
  const followers = new Followers(sessionId, active => scheduler.following(active))
  const writer = new Writer({
    store, recorder, followers, apps, log,
  })
  const scheduler = new Scheduler({
    options, store, apps, writer, log,
  })
  const shutdown = new Shutdown({
    paths, sessionId, store, apps, followers, reads, scheduler, writer, log,
  })
  const context: DaemonContext = {
    ...run, options, store, recorder, apps, followers, reads, writer, savePause: pause.save, shutdown,
  }
  return {context, restoredPause: pause.restored, scheduler}
}
