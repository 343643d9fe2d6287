import assert from 'node:assert/strict'
import {
  existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync,
} from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import {
  after, before, describe, test,
} from 'node:test'

import {resolvePaths, type StatePaths} from '../../src/config/paths.js'
import {DevtraceError} from '../../src/core/errors.js'
import {type DemoOutput, demoRun} from '../../src/demo/demo-run.js'
import {reportRun} from '../../src/report/report-run.js'
import {LocalAccess} from '../../src/store/local-access.js'
import {fakeIo} from '../helpers/fake-io.js'

/**
 * `demoRun` and `reportRun` on real temp folders and real DuckDB files (no daemon): what they
 * write, what they return, and the refusal to overwrite a report without --force.
 */

let home: string
let paths: StatePaths
let demo: DemoOutput

async function eventCount(file: string): Promise<number> {
  const access = await LocalAccess.open(file)
  const connection = await access.connect()
  try {
    return Number((await connection.runAndReadAll('SELECT count(*)::INTEGER AS n FROM events')).getRowObjectsJS()[0].n)
  } finally {
    connection.closeSync()
    access.close()
  }
}

/** Self-contained: an HTML document that names no other resource (no src=, href= or url() to anywhere). */
function assertSelfContainedHtml(file: string): void {
  const html = readFileSync(file, 'utf8')
  assert.match(html, /^<!doctype html>/i)
  assert.match(html, /<\/html>\s*$/)
  assert.doesNotMatch(html, /\s(src|href)\s*=\s*["']?(https?:|\/\/)/i)
  assert.doesNotMatch(html, /url\(\s*["']?(https?:|\/\/)/i)
  assert.doesNotMatch(html, /<(script|link|img)\b[^>]*\s(src|href)\s*=/i)
}

describe('demoRun and reportRun (real temp folders, no daemon)', () => {
  before(async () => {
    home = mkdtempSync(path.join(os.tmpdir(), 'devtrace-demo-run-'))
    paths = resolvePaths({DEVTRACE_HOME: home})
    demo = await demoRun({paths, days: 1, idleSeconds: 300})
  })

  after(() => rmSync(home, {force: true, recursive: true}))

  test('demoRun writes the demo database (not the user\'s) and returns its event count and summary', async () => {
    assert.equal(demo.database, paths.demoDatabase)
    assert.ok(existsSync(paths.demoDatabase))
    assert.equal(existsSync(paths.database), false, 'the user\'s own database is never created by demo')
    assert.ok(demo.events > 0)
    assert.equal(await eventCount(paths.demoDatabase), demo.events)
    assert.equal(demo.summary.totals.events, demo.events)
  })

  test('demoRun writes a self-contained HTML report beside the demo database, private to the user', () => {
    assert.equal(demo.report, path.join(path.dirname(paths.demoDatabase), 'report.html'))
    assertSelfContainedHtml(demo.report)
    if (process.platform !== 'win32') assert.equal(statSync(demo.report).mode & 0o777, 0o600)
  })

  test('reportRun --demo writes the report of the demo data and says where', async () => {
    const out = path.join(home, 'week.html')
    const io = fakeIo()
    const result = await reportRun({
      paths, out, idleSeconds: 300, force: false, demo: true,
    }, io)
    assert.deepEqual(result, {file: out, bytes: statSync(out).size, events: demo.events})
    assertSelfContainedHtml(out)
    assert.deepEqual(io.logged, [`Wrote ${out} (${demo.events.toLocaleString('en-US')} events). Open it in a browser; it loads nothing from the network.`])
  })

  test('reportRun with --json prints nothing for the person', async () => {
    const out = path.join(home, 'quiet.html')
    const result = await reportRun({
      paths, out, idleSeconds: 300, force: false, demo: true,
    }, fakeIo({json: true}))
    assert.equal(result.file, out)
    assert.ok(existsSync(out))
  })

  test('reportRun refuses to replace an existing file without --force, and leaves it untouched', async () => {
    const out = path.join(home, 'kept.html')
    writeFileSync(out, 'mine')
    const io = fakeIo()
    const refused = (error: unknown): boolean => error instanceof DevtraceError && error.suggestion === 'Choose another --out, or add --force to replace it.'
    await assert.rejects(reportRun({
      paths, out, idleSeconds: 300, force: false, demo: true,
    }, io), {message: `${out} already exists; not overwriting it.`})
    await assert.rejects(reportRun({
      paths, out, idleSeconds: 300, force: false, demo: true,
    }, io), refused)
    assert.equal(readFileSync(out, 'utf8'), 'mine')
    assert.deepEqual(io.logged, [])
  })

  test('reportRun --force replaces an existing file', async () => {
    const out = path.join(home, 'replaced.html')
    writeFileSync(out, 'old')
    await reportRun({
      paths, out, idleSeconds: 300, force: true, demo: true,
    }, fakeIo())
    assertSelfContainedHtml(out)
  })

  test('reportRun on a home with no database says so in one sentence and writes nothing', async () => {
    const out = path.join(home, 'none.html')
    await assert.rejects(reportRun({
      paths, out, idleSeconds: 300, force: false, demo: false,
    }, fakeIo()), {message: `There is no devtrace database yet (${paths.database}).`})
    assert.equal(existsSync(out), false)
  })
})
