import assert from 'node:assert/strict'
import {
  existsSync, mkdtempSync, readdirSync, readFileSync, rmSync,
} from 'node:fs'
import http from 'node:http'
import os from 'node:os'
import path from 'node:path'
import {
  afterEach, beforeEach, describe, test,
} from 'node:test'

import {configRun} from '../../src/config/config-run.js'
import {defaultConfig} from '../../src/config/config.js'
import {resolvePaths, type StatePaths} from '../../src/config/paths.js'
import {ConsentError, UsageError} from '../../src/core/errors.js'
import {auditRun} from '../../src/privacy/audit-run.js'
import {forgetRun} from '../../src/privacy/forget-run.js'
import {redactRun} from '../../src/privacy/redact-run.js'
import {LocalAccess} from '../../src/store/local-access.js'
import {exportRun} from '../../src/transfer/export-run.js'
import {PAYLOAD_DIR_PREFIX} from '../../src/transfer/upload-payload.js'
import {type UploadFlags, uploadRun} from '../../src/transfer/upload-run.js'
import {FakeExit, fakeIo} from '../helpers/fake-io.js'

/**
 * The mutating flows (forget, redact, export, upload) and audit, run through their `xxxRun` with
 * a fake terminal, on real DuckDB files without a daemon: what is asked, what is printed, what
 * the database holds afterwards.
 */

const T0 = Date.UTC(2026, 0, 5, 10, 0, 0) * 1000 // µs
const MINUTE = 60_000_000
const NOW = new Date(Date.UTC(2026, 0, 6))
const iso = (micros: number): string => new Date(micros / 1000).toISOString()

let home: string
let paths: StatePaths

/** Run SQL on the database file and return the rows (the file is free again afterwards). */
async function sql(query: string): Promise<Array<Record<string, unknown>>> {
  const access = await LocalAccess.open(paths.database)
  const connection = await access.connect()
  try {
    return (await connection.runAndReadAll(query)).getRowObjectsJS() as Array<Record<string, unknown>>
  } finally {
    connection.closeSync()
    access.close()
  }
}

/** 60 events, one a minute from T0: key presses (key code 30) and mouse moves, alternately. */
async function seed(): Promise<void> {
  await sql(`INSERT INTO events_live
    SELECT make_timestamp(${T0} + i * ${MINUTE}), 1, CASE WHEN i % 2 = 0 THEN 'key_down' ELSE 'mouse_move' END,
      CASE WHEN i % 2 = 0 THEN 30 END, CASE WHEN i % 2 = 0 THEN 'letter' END,
      CASE WHEN i % 2 = 1 THEN 149 END, CASE WHEN i % 2 = 1 THEN 51 END, NULL, NULL, NULL, NULL, 'code', NULL
    FROM range(60) t(i)`)
}

async function count(where = 'TRUE'): Promise<number> {
  return Number((await sql(`SELECT count(*)::INTEGER AS n FROM events WHERE ${where}`))[0].n)
}

async function ledger(): Promise<Array<Record<string, unknown>>> {
  return sql('SELECT action, outcome, rows::INTEGER AS rows, destination FROM audit_log ORDER BY id')
}

describe('command flows through xxxRun with a fake terminal (real DuckDB files, no daemon)', () => {
  beforeEach(async () => {
    home = mkdtempSync(path.join(os.tmpdir(), 'devtrace-runs-'))
    paths = resolvePaths({DEVTRACE_HOME: home})
    await seed()
  })

  afterEach(() => rmSync(home, {force: true, recursive: true}))

  describe('forgetRun', () => {
    const range = {since: iso(T0 + 10 * MINUTE), until: iso(T0 + 20 * MINUTE)}

    test('without a terminal and without --yes it says what would go, refuses (exit 3) and removes nothing', async () => {
      const io = fakeIo({tty: false})
      await assert.rejects(forgetRun({
        paths, ...range, yes: false, now: NOW,
      }, io), (error: unknown) => {
        assert.ok(error instanceof ConsentError)
        assert.equal(error.exitCode, 3)
        assert.match(error.message, /no terminal to ask on\. Nothing was forgotten\./)
        return true
      })
      assert.deepEqual(io.asked, [])
      assert.equal(io.logged.length, 1)
      assert.match(io.logged[0], /^This removes 10 events recorded between .+, for good\.$/)
      assert.equal(await count(), 60)
      assert.deepEqual(await ledger(), [])
    })

    test('answered no on a terminal: asked once, nothing removed', async () => {
      const io = fakeIo({tty: true, confirm: false})
      await assert.rejects(forgetRun({
        paths, ...range, yes: false, now: NOW,
      }, io), /Not confirmed\. Nothing was forgotten\./)
      assert.deepEqual(io.asked, ['Forget them? This cannot be undone.'])
      assert.equal(await count(), 60)
    })

    test('answered yes: the range is gone, the rest kept, the ledger says forget, and the result is printed', async () => {
      const io = fakeIo({tty: true, confirm: true})
      const result = await forgetRun({
        paths, ...range, yes: false, now: NOW,
      }, io)
      assert.ok('events_kept' in result)
      assert.deepEqual(result.forgotten, {events: 10, sessions: 0})
      assert.equal(result.events_kept, 50)
      assert.equal(await count(), 50)
      assert.equal(await count(`ts >= make_timestamp(${T0 + 10 * MINUTE}) AND ts < make_timestamp(${T0 + 20 * MINUTE})`), 0)
      assert.deepEqual((await ledger()).map(row => [row.action, row.outcome]), [['forget', 'ok']])
      assert.equal(io.logged.length, 2)
      assert.match(io.logged[1], /^Forgot 10 events between .+ The database was rewritten in .+; 50 events remain\.$/)
    })

    test('--json with --yes prints nothing but returns the result; an empty range asks nothing', async () => {
      const json = fakeIo({json: true})
      const result = await forgetRun({
        paths, ...range, yes: true, now: NOW,
      }, json)
      assert.deepEqual(result.forgotten, {events: 10, sessions: 0})

      const empty = fakeIo({tty: true, confirm: true})
      const none = await forgetRun({
        paths, ...range, yes: false, now: NOW,
      }, empty)
      assert.deepEqual(none, {range_start: range.since, range_end: range.until, forgotten: {events: 0, sessions: 0}})
      assert.deepEqual(empty.asked, [])
      assert.match(empty.logged[0], /^Nothing was recorded between .+; nothing to forget\.$/)
    })

    test('a range that is not in the past is a usage error before the database is opened', async () => {
      rmSync(paths.database)
      await assert.rejects(forgetRun({
        paths, since: iso(NOW.getTime() * 1000 + MINUTE), until: 'now', yes: true, now: NOW,
      }, fakeIo()), UsageError)
      assert.equal(existsSync(paths.database), false)
    })
  })

  describe('redactRun', () => {
    test('--dry-run shows the preview per column and changes nothing, without asking', async () => {
      const io = fakeIo({tty: true, confirm: true})
      const result = await redactRun({
        paths, profile: 'keys', dryRun: true, yes: false, now: NOW,
      }, io)
      assert.deepEqual(result, {
        changed: false, dry_run: true, profile: 'keys', rows: 60, columns: {key_code: 30},
      })
      assert.deepEqual(io.asked, [])
      assert.match(io.logged[0], /^redact --profile keys: 60 events recorded from the start to .+\.\n {2}key_code {8}30 values change \(key codes removed\)$/)
      assert.equal(io.logged[1], 'Dry run: nothing was changed.')
      assert.equal(await count('key_code IS NOT NULL'), 30)
    })

    test('confirmed: key codes in the range are removed, others kept, and the ledger says redact', async () => {
      const io = fakeIo({tty: true, confirm: true})
      const result = await redactRun({
        paths, profile: 'keys', since: iso(T0), until: iso(T0 + 10 * MINUTE), dryRun: false, yes: false, now: NOW,
      }, io)
      assert.equal(result.changed, true)
      assert.equal(result.rows, 10)
      assert.deepEqual(io.asked, ['Rewrite 10 events with profile keys? This cannot be undone.'])
      assert.equal(await count('key_code IS NOT NULL'), 25)
      assert.deepEqual((await ledger()).map(row => [row.action, row.outcome]), [['redact', 'ok']])
    })

    test('without a terminal it refuses (exit 3) and changes nothing; aggregate is a usage error', async () => {
      await assert.rejects(redactRun({
        paths, profile: 'keys', dryRun: false, yes: false, now: NOW,
      }, fakeIo()), ConsentError)
      assert.equal(await count('key_code IS NOT NULL'), 30)
      await assert.rejects(redactRun({
        paths, profile: 'aggregate', dryRun: false, yes: true, now: NOW,
      }, fakeIo()), /aggregate would delete every event/)
    })
  })

  describe('configRun', () => {
    test('set validates, saves and returns the new value; get and list read it back; a bad value or key changes nothing', () => {
      assert.deepEqual(configRun({
        paths, action: 'set', key: 'mouse_hz', value: '50',
      }), {mouse_hz: 50})
      assert.equal(JSON.parse(readFileSync(paths.config, 'utf8')).mouse_hz, 50)
      assert.deepEqual(configRun({paths, action: 'get', key: 'mouse_hz'}), {mouse_hz: 50})
      assert.equal(configRun({paths, action: 'list'}).mouse_hz, 50)

      const before = readFileSync(paths.config, 'utf8')
      assert.throws(() => configRun({
        paths, action: 'set', key: 'mouse_hz', value: 'fast',
      }))
      assert.throws(() => configRun({
        paths, action: 'set', key: 'colour', value: 'red',
      }), UsageError)
      assert.throws(() => configRun({paths, action: 'set', key: 'level'}), /No value given for level/)
      assert.equal(readFileSync(paths.config, 'utf8'), before)
    })
  })

  describe('auditRun', () => {
    test('an empty ledger is one sentence; with --json the rows come back and nothing is printed', async () => {
      const io = fakeIo()
      assert.deepEqual(await auditRun({paths}, io), [])
      assert.deepEqual(io.logged, ['The ledger is empty: nothing has been exported, uploaded, redacted or forgotten.'])

      await forgetRun({
        paths, since: iso(T0), until: iso(T0 + MINUTE), yes: true, now: NOW,
      }, fakeIo({json: true}))
      const rows = await auditRun({paths}, fakeIo({json: true}))
      assert.deepEqual(rows.map(row => [row.action, row.outcome, row.rows]), [['forget', 'ok', 1]])
    })
  })

  describe('exportRun', () => {
    test('writes the file, enters it in the ledger and prints one line; stdout and an unknown extension are refused first', async () => {
      const idle = (): number => defaultConfig().idle_seconds
      const base = {paths, force: false, idleSeconds: idle}
      await assert.rejects(exportRun({...base, out: '-'}, fakeIo()), /writes a file, not stdout/)
      const reads: string[] = []
      const idleRead = (): number => {
        reads.push('idle_seconds')
        return idle()
      }

      await assert.rejects(exportRun({...base, out: path.join(home, 'x.txt'), idleSeconds: idleRead}, fakeIo()), /Cannot tell the format/)
      assert.deepEqual(reads, [], 'settings are read only once the destination is known good')

      const out = path.join(home, 'out.csv')
      const io = fakeIo()
      const result = await exportRun({...base, out, redact: 'keys'}, io)
      assert.equal(result.rows, 60)
      assert.equal(readFileSync(out, 'utf8').trim().split('\n').length, 61)
      assert.doesNotMatch(readFileSync(out, 'utf8').split('\n')[0], /key_code/)
      assert.equal(io.logged.length, 1)
      assert.match(io.logged[0], /^Exported 60 rows \(redacted: keys\) to .+out\.csv as csv: .+, sha256 [\da-f]{64}\.$/)
      assert.deepEqual((await ledger()).map(row => [row.action, row.outcome, row.rows]), [['export', 'ok', 60]])
      await assert.rejects(exportRun({...base, out}, fakeIo()), /already exists/)
    })
  })

  describe('uploadRun', () => {
    let server: http.Server
    let url: string
    let bodies: number

    beforeEach(async () => {
      bodies = 0
      server = http.createServer((request, response) => {
        request.resume()
        request.on('end', () => {
          bodies++
          response.writeHead(201).end('ok')
        })
      })
      await new Promise<void>(resolve => {
        server.listen(0, '127.0.0.1', resolve)
      })
      url = `http://127.0.0.1:${(server.address() as {port: number}).port}/in`
    })

    afterEach(async () => new Promise<void>(resolve => {
      server.close(() => resolve())
    }))

    const flags = (overrides: Partial<UploadFlags> = {}): UploadFlags => ({
      to: url, dryRun: false, force: false, yes: false, retries: 0, timeoutSeconds: 15, until: iso(NOW.getTime() * 1000), ...overrides,
    })
    const uploadContext = (overrides: Partial<UploadFlags> = {}): Parameters<typeof uploadRun>[0] => ({
      flags: flags(overrides), paths, settings: defaultConfig(), version: '0.0.0-test',
    })
    const payloadDirs = (): string[] => readdirSync(home).filter(name => name.startsWith(PAYLOAD_DIR_PREFIX))

    test('confirmed on a terminal: previewed, asked, sent once, recorded as sent; no payload left behind', async () => {
      const io = fakeIo({tty: true, confirm: true})
      const result = await uploadRun(uploadContext(), io)
      assert.equal(result.sent, true)
      assert.equal(result.status, 201)
      assert.equal(bodies, 1)
      assert.match(io.logged[0], /^Upload preview \(nothing has been sent\):/)
      assert.match(io.asked[0], /^Send \d+ rows? \(.+, aggregate\) to 127\.0\.0\.1:\d+\?$/)
      assert.match(io.logged.at(-1)!, /^Sent .+ HTTP 201 .+ Ledger entry \d+\.$/)
      assert.deepEqual((await ledger()).map(row => [row.action, row.outcome]), [['upload', 'sent']])
      assert.deepEqual(payloadDirs(), [])
      assert.equal(io.listeners(), 0, 'the Ctrl-C handler is removed afterwards')
    })

    test('Ctrl-C at the prompt exits 130 before anything is sent: no request, no ledger entry, no payload left', async () => {
      // Ctrl-C pressed while the question is on the screen.
      const io = fakeIo({
        tty: true,
        confirm() {
          io.interrupt()
          return false
        },
      })
      await assert.rejects(uploadRun(uploadContext(), io), (error: unknown) => error instanceof FakeExit && error.code === 130)
      assert.equal(bodies, 0)
      assert.deepEqual(await ledger(), [])
      assert.deepEqual(payloadDirs(), [])
      assert.equal(io.listeners(), 0)
    })

    test('--redact none needs the host typed: a wrong answer sends nothing (exit 3), the right one sends', async () => {
      const wrong = fakeIo({tty: true, input: 'example.com'})
      await assert.rejects(uploadRun(uploadContext({redact: 'none'}), wrong), (error: unknown) => error instanceof ConsentError && error.exitCode === 3)
      assert.match(wrong.errors.join(''), /--redact none sends your data as stored to 127\.0\.0\.1:\d+/)
      assert.equal(bodies, 0)

      const {host} = new URL(url)
      const right = fakeIo({tty: true, input: host})
      assert.equal((await uploadRun(uploadContext({redact: 'none'}), right)).sent, true)
      assert.deepEqual(right.asked, [`Type "${host}" to confirm:`])
      assert.equal(bodies, 1)
    })

    test('with --json, a person asked still sees the preview (on stderr) and stdout gets nothing', async () => {
      const io = fakeIo({json: true, tty: true, confirm: false})
      await assert.rejects(uploadRun(uploadContext(), io), /Not confirmed\. Nothing was sent\./)
      assert.match(io.errors.join(''), /^Upload preview \(nothing has been sent\):/)
      assert.equal(bodies, 0)
    })
  })
})
