import assert from 'node:assert/strict'
import {
  appendFileSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync,
} from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import {
  after, describe, test,
} from 'node:test'

import type {CapturedEvent} from '../../src/capture/event.js'

import {normalise} from '../../src/capture/normalise.js'
import {CaptureStore} from '../../src/daemon/capture-store.js'
import {forgetOperation} from '../../src/privacy/forget.js'
import {compactBefore, DAY_MICROS} from '../../src/store/compaction.js'
import {
  EventSpool, readSpool, replaySpool, spoolPath,
} from '../../src/store/event-spool.js'
import {LocalAccess} from '../../src/store/local-access.js'
import {closeDatabase, openDatabase} from '../../src/store/open-database.js'
import {migrate} from '../../src/store/schema.js'
import {UiohookKey} from './uiohook-keys.js'

const T0 = Date.UTC(2026, 10, 30, 9, 0, 0) * 1000 // µs
const folders: string[] = []

function freshFile(): string {
  const folder = mkdtempSync(path.join(os.tmpdir(), 'devtrace-spool-'))
  folders.push(folder)
  return path.join(folder, 'devtrace.duckdb')
}

/** Alternating key presses and releases of A, 1 ms apart, as the recorder makes them. */
function keys(count: number, from = T0): CapturedEvent[] {
  return Array.from({length: count}, (_, index) => normalise({type: index % 2 === 0 ? 4 : 5, keycode: UiohookKey.A}, 'standard', from + index * 1000, 'code')!)
}

async function withDatabase<T>(file: string, work: (db: Awaited<ReturnType<typeof openDatabase>>) => Promise<T>): Promise<T> {
  const db = await openDatabase(file)
  try {
    await migrate(db.connection, file)
    return await work(db)
  } finally {
    closeDatabase(db)
  }
}

async function stored(file: string): Promise<Array<{session: number; ts: number; kind: string}>> {
  return withDatabase(file, async db => {
    const reader = await db.connection.runAndReadAll('SELECT session_id AS session, epoch_us(ts) AS ts, kind FROM events ORDER BY ts')
    return reader.getRowObjectsJS().map(row => ({session: Number(row.session), ts: Number(row.ts), kind: String(row.kind)}))
  })
}

describe('event spool', () => {
  after(() => {
    for (const folder of folders) rmSync(folder, {force: true, recursive: true})
  })

  test('appends one line per event, 0600, and ignores a torn last line when read', () => {
    const file = spoolPath(freshFile())
    const spool = new EventSpool(file, 7)
    spool.append(keys(3))
    spool.append(keys(2, T0 + 10_000))
    appendFileSync(file, '{"session":7,"tsMicros":17640') // a crash in the middle of a write
    if (process.platform !== 'win32') assert.equal(statSync(file).mode & 0o777, 0o600)
    const {records, skipped} = readSpool(file)
    assert.equal(skipped, 1)
    assert.deepEqual(records.map(record => [record.session, record.event.tsMicros]), [
      [7, T0], [7, T0 + 1000], [7, T0 + 2000], [7, T0 + 10_000], [7, T0 + 11_000],
    ])
    assert.deepEqual(records[0].event, keys(1)[0])
  })

  test('replay writes the events under their own session and removes the spool; replaying it again adds nothing', async () => {
    const database = freshFile()
    const file = spoolPath(database)
    new EventSpool(file, 3).append(keys(4))
    const copy = readFileSync(file)
    const first = await withDatabase(database, db => replaySpool(db.connection, file))
    assert.deepEqual(first, {written: 4, duplicates: 0, skipped: 0})
    assert.equal(existsSync(file), false)
    // A crash after the commit but before the spool was removed: the same spool comes back.
    writeFileSync(file, copy)
    new EventSpool(file, 3).append(keys(1, T0 + 50_000))
    const second = await withDatabase(database, db => replaySpool(db.connection, file))
    assert.deepEqual(second, {written: 1, duplicates: 4, skipped: 0})
    const rows = await stored(database)
    assert.deepEqual(rows.map(row => [row.session, row.ts]), [
      [3, T0], [3, T0 + 1000], [3, T0 + 2000], [3, T0 + 3000], [3, T0 + 50_000],
    ])
    assert.equal(await withDatabase(database, db => replaySpool(db.connection, file)), undefined)
  })

  test('a spool that comes back after its day was compacted adds nothing (stamps matched at the ms there)', async () => {
    const database = freshFile()
    const file = spoolPath(database)
    // Sub-ms stamps, as capture makes them: compaction floors them, so only the ms can match.
    const events = keys(4, T0 + 123)
    new EventSpool(file, 3).append(events)
    const copy = readFileSync(file)
    assert.deepEqual(await withDatabase(database, db => replaySpool(db.connection, file)), {written: 4, duplicates: 0, skipped: 0})
    await withDatabase(database, db => compactBefore(db.connection, T0 - (T0 % DAY_MICROS) + DAY_MICROS))
    // Kept after a partial replay (another session's rows failed on a full disk), found again later.
    writeFileSync(file, copy)
    new EventSpool(file, 3).append(keys(2, T0 + 50_123))
    assert.deepEqual(await withDatabase(database, db => replaySpool(db.connection, file)), {written: 2, duplicates: 4, skipped: 0})
    assert.deepEqual((await stored(database)).map(row => row.ts), [T0, T0 + 1000, T0 + 2000, T0 + 3000, T0 + 50_123, T0 + 51_123])
  })

  test('the capture store spools what is flushed while the file is offline, and writes it when it is back', async () => {
    const database = freshFile()
    const db = await openDatabase(database)
    await migrate(db.connection, database)
    const lines: string[] = []
    const store = await CaptureStore.attach(database, db, 5, line => lines.push(line))
    store.append(keys(2))
    store.flush()
    await store.offline(async () => {
      store.append(keys(4, T0 + 100_000))
      assert.equal(store.uncommitted, 4)
      store.flush()
      // On disk while the rewrite still runs: a crash now loses none of them.
      assert.equal(readSpool(spoolPath(database)).records.length, 4)
      assert.equal(store.uncommitted, 0)
      store.append(keys(2, T0 + 200_000)) // captured after the last flush: still in memory
    })
    assert.equal(existsSync(spoolPath(database)), false)
    store.flush()
    assert.equal(store.rowsWritten, 8)
    store.close()
    assert.deepEqual(lines, ['replayed 4 events spooled during a rewrite (0 already stored, 0 unreadable lines)'])
    const rows = await stored(database)
    assert.equal(rows.length, 8)
    assert.ok(rows.every(row => row.session === 5))
  })

  test('a command that changes the file with the daemon stopped writes a leftover spool in first', async () => {
    const database = freshFile()
    await withDatabase(database, async () => {})
    new EventSpool(spoolPath(database), 9).append(keys(6))
    // Forget the spooled events' range: they must be gone for good, not come back from the spool.
    const access = await LocalAccess.open(database)
    try {
      assert.equal(existsSync(spoolPath(database)), false)
      await forgetOperation.run(access, {sinceMicros: T0, untilMicros: T0 + 3500, yes: true})
    } finally {
      access.close()
    }

    assert.deepEqual((await stored(database)).map(row => row.ts), [T0 + 4000, T0 + 5000])
  })
})

