import assert from 'node:assert/strict'
import {existsSync, mkdtempSync, rmSync} from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import {
  after, before, describe, test,
} from 'node:test'

import type {RawInput} from '../../src/capture/normalise.js'

import {nowMicros} from '../../src/capture/hook.js'
import {defaultConfig} from '../../src/config/config.js'
import {prepareStateFolder, resolvePaths} from '../../src/config/paths.js'
import {DevtraceError} from '../../src/core/errors.js'
import {CaptureStore} from '../../src/daemon/capture-store.js'
import {assembleDaemon} from '../../src/daemon/daemon.js'
import {daemonHandlers} from '../../src/daemon/handlers.js'
import {claimDatabase, writePidFile} from '../../src/daemon/lifecycle.js'
import {pauseFilePath} from '../../src/daemon/pause-state.js'
import {beginSession} from '../../src/daemon/session.js'
import {closeDatabase, openDatabase} from '../../src/store/open-database.js'
import {UiohookKey} from './uiohook-keys.js'

/** Presses of different keys: presses of one key never released would be auto-repeat, not stored. */
let keyIndex = 0
const nextKey = (): RawInput => ({type: 4, keycode: UiohookKey.A + (keyIndex++ % 10)})

/**
 * The daemon's IPC handlers on a real database file, as runDaemon assembles them, without the
 * input hook or the socket: input goes straight to the recorder.
 */
describe('daemon handlers', () => {
  const home = mkdtempSync(path.join(os.tmpdir(), 'devtrace-handlers-'))
  const paths = resolvePaths({DEVTRACE_HOME: home})
  const lines: string[] = []
  const log = (line: string): void => {
    lines.push(line)
  }

  let parts: ReturnType<typeof assembleDaemon>
  let handlers: ReturnType<typeof daemonHandlers>
  const call = (method: string, params: Record<string, unknown> = {}): Promise<unknown> =>
    handlers[method](params, {async send() {}, closed: false, onClose() {}})

  before(async () => {
    // No window tracking here: there is no display, and the handlers do not need one.
    process.env.DEVTRACE_APP_TRACKING = 'off'
    prepareStateFolder(paths)
    const db = await claimDatabase(paths, log)
    const startedMicros = nowMicros()
    const sessionId = await beginSession(db.connection, {
      level: 'standard', backend: 'hook', version: 'test-version', startedMicros,
    })
    const store = await CaptureStore.attach(paths.database, db, sessionId, log)
    parts = assembleDaemon(
      {
        paths, level: 'standard', backend: 'hook', mouseHz: 0, flushMs: 1000, version: 'test-version', echoLog: false,
      },
      store,
      {
        sessionId, backend: 'hook', startedMicros, config: defaultConfig(), log,
      },
    )
    handlers = daemonHandlers(parts.context)
  })

  after(() => {
    delete process.env.DEVTRACE_APP_TRACKING
    rmSync(home, {force: true, recursive: true})
  })

  test('ping names this process and version', async () => {
    assert.deepEqual(await call('ping'), {pid: process.pid, version: 'test-version'})
  })

  test('status counts what the writer committed', async () => {
    const {recorder, writer} = parts.context
    for (let i = 0; i < 3; i++) recorder.handle(nextKey(), nowMicros())
    let status = await call('status') as Record<string, unknown>
    assert.equal(status.queued, 3)
    assert.equal(status.events_total, 0)
    writer.flush()
    status = await call('status') as Record<string, unknown>
    assert.equal(status.running, true)
    assert.equal(status.events_session, 3)
    assert.equal(status.events_total, 3)
    assert.equal(status.queued, 0)
    assert.equal(status.last_write_error, null)
    assert.equal(status.database, paths.database)
    // The hook's positions are pixels; it keeps no counters (and no input hook runs here at all).
    assert.deepEqual([status.backend, status.pointer_positions, status.capture], ['hook', 'screen_pixels', null])
    assert.ok((status.database_bytes as number) > 0)
  })

  test('pause is on disk before it answers; resume removes it', async () => {
    const file = pauseFilePath(paths)
    const paused = await call('pause', {forMs: 60_000}) as Record<string, unknown>
    assert.equal(paused.paused, true)
    assert.ok(Date.parse(paused.resumes_at as string) > Date.now())
    assert.equal(existsSync(file), true)
    assert.ok(lines.includes('paused for 60000 ms'))

    const resumed = await call('resume') as Record<string, unknown>
    assert.equal(resumed.paused, false)
    assert.equal(resumed.resumes_at, null)
    assert.equal(existsSync(file), false)
    assert.ok(lines.includes('resumed'))
  })

  test('operate commits what was captured before it runs (an export includes it), and refuses an unknown name', async () => {
    const {recorder, store} = parts.context
    recorder.handle(nextKey(), nowMicros())
    const out = path.join(home, 'events.csv')
    const result = await call('operate', {name: 'export', params: {out, format: 'csv'}}) as {rows: number}
    assert.equal(result.rows, 4)
    assert.equal(store.rowsWritten, 4)
    await assert.rejects(call('operate', {name: 'nope'}), (error: unknown) =>
      error instanceof DevtraceError && error.message === 'Unknown operation "nope".')
  })

  test('stop writes everything, ends the session, removes the pid file and frees the database', async () => {
    const {recorder, shutdown} = parts.context
    writePidFile(paths)
    recorder.handle(nextKey(), nowMicros())
    const stopped = await call('stop') as Record<string, unknown>
    assert.equal(stopped.running, false)
    assert.equal(stopped.events_session, 5)
    await shutdown.done
    assert.equal(existsSync(paths.pidFile), false)
    assert.ok(lines.includes('stopped; 5 events this session'))

    // The lock is gone: another process (here, another open) can take the file.
    const db = await openDatabase(paths.database, {readOnly: true})
    try {
      const reader = await db.connection.runAndReadAll('SELECT count(*) AS n, count(ended_at) AS ended FROM sessions')
      assert.deepEqual(reader.getRowObjects()[0], {n: 1n, ended: 1n})
      const events = await db.connection.runAndReadAll('SELECT count(*) AS n FROM events')
      assert.equal(events.getRowObjects()[0].n, 5n)
    } finally {
      closeDatabase(db)
    }
  })
})
