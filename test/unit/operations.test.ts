import assert from 'node:assert/strict'
import {mkdtempSync, rmSync} from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import {
  after, before, describe, it,
} from 'node:test'

import {resolvePaths, type StatePaths} from '../../src/config/paths.js'
import {parseParams} from '../../src/core/params.js'
import {type ControlServer, listen} from '../../src/ipc/server.js'
import {loadOperation, OPERATIONS} from '../../src/operations.js'
import {auditEntryParams} from '../../src/privacy/audit-record.js'
import {forgetParams} from '../../src/privacy/forget.js'
import {redactParams} from '../../src/privacy/redact.js'
import {operate, runOperation} from '../../src/run-operation.js'
import {openBackend, withBackend} from '../../src/store/backend.js'
import {LocalAccess} from '../../src/store/local-access.js'
import {exportParams} from '../../src/transfer/export.js'

const NOW = Date.now() * 1000

describe('operation parameters (zod schemas)', () => {
  it('forget: both ends required, the end clamped to now, an empty range refused', () => {
    assert.throws(() => parseParams(forgetParams, {sinceMicros: 1}), {name: 'UsageError', message: 'forget needs both --since and --until.'})
    const range = parseParams(forgetParams, {sinceMicros: 5, untilMicros: NOW * 10})
    assert.equal(range.sinceMicros, 5)
    assert.ok(range.untilMicros <= Date.now() * 1000, 'the end is never in the future')
    assert.equal(range.action, 'forget')
    assert.equal(parseParams(forgetParams, {sinceMicros: 1, untilMicros: 2, action: 'retention'}).action, 'retention')
    assert.equal(parseParams(forgetParams, {sinceMicros: 1, untilMicros: 2, action: 'drop'}).action, 'forget')
    assert.throws(() => parseParams(forgetParams, {sinceMicros: 9, untilMicros: 9}), {message: /The range to forget is empty/})
  })

  it('redact: aggregate refused with advice, unknown profiles named, the range checked against now', () => {
    assert.throws(() => redactParams({profile: 'aggregate'}), (error: {message: string; name: string; suggestion?: string}) => {
      assert.equal(error.name, 'UsageError')
      assert.match(error.message, /would delete every event in the range/)
      assert.match(error.suggestion ?? '', /devtrace forget/)
      return true
    })
    assert.throws(() => redactParams({profile: 'loud'}), {message: 'Unknown profile "loud".', suggestion: 'Use keys or coarse.'})
    assert.deepEqual(redactParams({profile: 'keys', sinceMicros: null}, 1000), {profile: 'keys', sinceMicros: undefined, untilMicros: 1000})
    assert.throws(() => redactParams({profile: 'coarse', sinceMicros: 2000}, 1000), {message: /The range to redact is empty/})
  })

  it('export: an absolute path, a known format and profile; defaults filled in', () => {
    assert.throws(() => parseParams(exportParams, {out: 'rel.csv', format: 'csv'}), {message: 'The export path must be absolute (got "rel.csv").'})
    assert.throws(() => parseParams(exportParams, {out: '/tmp/x.xls', format: 'xls'}), {
      message: 'Unknown export format "xls".', suggestion: 'Use one of parquet, csv, json, ndjson.',
    })
    const params = parseParams(exportParams, {out: '/tmp/x.csv', format: 'csv', untilMicros: null})
    assert.equal(params.profile, 'none')
    assert.equal(params.force, false)
    assert.equal(params.untilMicros, undefined, 'null (JSON for "not given") reads as not given')
  })

  it('audit-record: known action and outcome, numbers that are numbers, short texts', () => {
    assert.throws(() => parseParams(auditEntryParams, {action: 'steal', outcome: 'ok'}), {message: 'Unknown ledger action "steal".'})
    assert.throws(() => parseParams(auditEntryParams, {action: 'upload', outcome: 'ok', rows: '12'}), {message: 'Ledger field rows must be a number.'})
    const entry = parseParams(auditEntryParams, {
      action: 'upload', outcome: 'sent', rows: 3, detail: 'x'.repeat(900),
    })
    assert.equal(entry.rows, 3)
    assert.equal(entry.bytes, null)
    assert.equal(entry.profile, null)
    assert.equal(entry.detail?.length, 500)
    assert.equal(entry.atMicros, undefined)
  })

  it('a name that is not in the table is refused in one sentence', async () => {
    await assert.rejects(loadOperation('drop-everything'), {name: 'DevtraceError', message: 'Unknown operation "drop-everything".'})
    for (const name of Object.keys(OPERATIONS)) {
      const operation = await loadOperation(name)
      assert.equal(typeof operation.run, 'function', name)
    }
  })
})

describe('the backend without a daemon (a real DuckDB file)', () => {
  let home: string
  let paths: StatePaths

  before(() => {
    home = mkdtempSync(path.join(os.tmpdir(), 'devtrace-backend-'))
    paths = resolvePaths({DEVTRACE_HOME: home})
  })

  after(() => rmSync(home, {force: true, recursive: true}))

  it('says so in one sentence when there is no database, or when the daemon is needed', async () => {
    const backend = await openBackend(paths)
    try {
      assert.equal(backend.via, 'file')
      assert.equal(await backend.status(), undefined)
      await assert.rejects(backend.pause(), {message: 'devtrace is not running.', suggestion: 'Start it with `devtrace start`.'})
      await assert.rejects(backend.follow().next(), {message: '--follow needs the daemon: devtrace is not running.'})
      await assert.rejects(backend.query('SELECT 1').next(), {message: /^There is no devtrace database yet/})
      await assert.rejects(operate(backend, 'checkpoint', {}), {message: /^There is no devtrace database yet/})
    } finally {
      backend.close()
    }
  })

  it('runs an operation on the file, then reads what it wrote through the same backend', async () => {
    (await LocalAccess.open(paths.database)).close() // a migrated, empty database
    assert.deepEqual(await runOperation(paths, 'checkpoint', {}), {checkpointed: true})
    const read = await withBackend(paths, async backend => {
      const {audit_id: id} = await operate(backend, 'audit-record', {action: 'upload', outcome: 'failed', detail: 'backend test'})
      const rows = []
      for await (const batch of backend.query('SELECT id, detail FROM audit_log WHERE id = $id', {id})) rows.push(...batch.rows)
      return {id, rows}
    })
    assert.deepEqual(read.rows, [[read.id, 'backend test']])
  })
})

describe('the backend with a daemon listening (a real socket)', () => {
  let home: string
  let paths: StatePaths
  let server: ControlServer
  const operated: unknown[] = []

  before(async () => {
    home = mkdtempSync(path.join(os.tmpdir(), 'devtrace-backend-'))
    paths = resolvePaths({DEVTRACE_HOME: home})
    server = await listen(paths.socket, {
      async operate(params) {
        operated.push(params)
        return {checkpointed: true}
      },
      async query(_params, channel) {
        await channel.send({type: 'rows', columns: ['n'], rows: [[1]]})
        await channel.send({type: 'rows', rows: [[2]]})
        await channel.send({type: 'end'})
      },
    }, () => {})
  })

  after(async () => {
    await server.close()
    rmSync(home, {force: true, recursive: true})
  })

  it('sends operations to the daemon and gives every batch its columns', async () => {
    assert.deepEqual(await runOperation(paths, 'checkpoint', {}), {checkpointed: true})
    assert.deepEqual(operated, [{name: 'checkpoint', params: {}}])
    const batches = await withBackend(paths, async backend => {
      assert.equal(backend.via, 'daemon')
      const seen = []
      for await (const batch of backend.query('SELECT n')) seen.push(batch)
      return seen
    })
    assert.deepEqual(batches, [{columns: ['n'], rows: [[1]]}, {columns: ['n'], rows: [[2]]}])
  })
})
