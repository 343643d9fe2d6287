import assert from 'node:assert/strict'
import {
  chmodSync, readdirSync, statSync, writeFileSync,
} from 'node:fs'
import net from 'node:net'
import path from 'node:path'
import {describe, test} from 'node:test'

import type {CliResult, Sandbox} from '../helpers/cli.js'

import {SCHEMA_VERSION} from '../../src/store/schema.js'
import {usePrivateDisplay} from '../helpers/display-suite.js'
import {e2eSkipReason, xdotool} from '../helpers/xvfb.js'

const skip = e2eSkipReason()

interface Check {
  name: string
  status: 'fail' | 'ok' | 'warn'
  detail: string
  fix?: string
}

interface Report {
  ok: boolean
  checks: Check[]
}

const NAMES = ['platform', 'display', 'input hook', 'capture backend', 'app tracking', 'config', 'daemon', 'database', 'wal', 'retention', 'disk space', 'file modes', 'service']

/** `doctor --json`, checked for its shape: stdout holds exactly the report, every check in order. */
async function doctorJson(s: Sandbox): Promise<{report: Report; result: CliResult}> {
  const result = await s.run(['doctor', '--json'])
  const report = JSON.parse(result.stdout) as Report
  assert.deepEqual(Object.keys(report), ['ok', 'checks'])
  assert.deepEqual(report.checks.map(check => check.name), NAMES)
  for (const check of report.checks) {
    assert.ok(['fail', 'ok', 'warn'].includes(check.status), JSON.stringify(check))
    assert.equal(typeof check.detail, 'string')
    assert.ok(check.fix === undefined || typeof check.fix === 'string')
  }

  assert.equal(report.ok, !report.checks.some(check => check.status === 'fail'))
  assert.equal(result.code, report.ok ? 0 : 1, result.stderr)
  return {report, result}
}

const find = (report: Report, name: string): Check => report.checks.find(check => check.name === name)!

/**
 * `devtrace doctor` run as a user runs it (the built bin/run.js) against real folders, a real
 * database and a real daemon capturing xdotool input on a private Xvfb.
 */
describe('devtrace doctor', {skip}, () => {
  const x = usePrivateDisplay()

  test('no database yet: every check answers, the capture backend is the hook, and doctor creates nothing', async () => {
    const s = x.sandbox()
    const {report} = await doctorJson(s)
    assert.equal(report.ok, true, JSON.stringify(report, null, 2))
    assert.match(find(report, 'display').detail, new RegExp(`^X11 session \\(DISPLAY=${x.display}, `))
    assert.equal(find(report, 'input hook').status, 'ok')
    assert.match(find(report, 'capture backend').detail, /would capture via the X11 hook/)
    assert.equal(find(report, 'daemon').status, 'warn')
    assert.match(find(report, 'database').detail, /^No database yet/)
    assert.deepEqual(readdirSync(s.home), [])
  })

  test('a running daemon answers, and the database is read through it (never opened here)', async () => {
    const s = x.sandbox()
    const start = await s.run(['start', '--json'])
    assert.equal(start.code, 0, start.stderr)
    const {pid} = JSON.parse(start.stdout) as {pid: number}
    xdotool(x.display, 'type', '--delay', '5', 'doctor')
    const {report} = await doctorJson(s)
    assert.equal(find(report, 'daemon').status, 'ok')
    assert.match(find(report, 'daemon').detail, new RegExp(`^Running \\(pid ${pid}\\) and answering`))
    assert.equal(find(report, 'database').status, 'ok')
    assert.match(find(report, 'database').detail, new RegExp(`^Read through the running daemon \\(pid ${pid}\\).*schema version ${SCHEMA_VERSION}\\.`))
    assert.match(find(report, 'wal').detail, /Held by the running daemon/)
    assert.equal(find(report, 'file modes').status, 'ok', find(report, 'file modes').detail)
    // The daemon still runs and still captures after being asked.
    const status = JSON.parse((await s.run(['status', '--json'])).stdout) as {pid: number; running: boolean}
    assert.deepEqual([status.running, status.pid], [true, pid])

    // Stopped: the same file, now opened read-only here, with the schema version and today's oldest event.
    assert.equal((await s.run(['stop'])).code, 0)
    const stopped = (await doctorJson(s)).report
    assert.match(find(stopped, 'database').detail, new RegExp(`devtrace\\.duckdb opens \\(read-only\\); schema version ${SCHEMA_VERSION}\\.`))
    assert.match(find(stopped, 'retention').detail, /retention_days is 90.*oldest event is from .* \(0 days ago\)/)
    assert.equal(find(stopped, 'retention').status, 'ok')
  })

  test('a broken config fails, with exit 1, in the terminal and in --json', async () => {
    const s = x.sandbox()
    writeFileSync(path.join(s.home, 'config.json'), '{"retention_days": "forever"}', {mode: 0o600})
    const {report} = await doctorJson(s)
    assert.equal(report.ok, false)
    assert.equal(find(report, 'config').status, 'fail')
    assert.match(find(report, 'config').detail, /field "retention_days" is invalid/)
    const human = await s.run(['doctor'])
    assert.equal(human.code, 1)
    assert.match(human.stdout, /^FAIL {2}config +.*config\.json: field "retention_days" is invalid/m)
    assert.match(human.stdout, /\n\s+fix: Correct it with `devtrace config set retention_days VALUE`/)
    assert.match(human.stdout, /1 check failed/)
  })

  test('a folder with mode 0755 is a warn with the chmod that fixes it (exit 0)', async () => {
    const s = x.sandbox()
    chmodSync(s.home, 0o755)
    const human = await s.run(['doctor'])
    assert.equal(human.code, 0, human.stdout)
    assert.match(human.stdout, new RegExp(`^warn  file modes +.*folders not 0700: ${s.home} \\(0755\\)`, 'm'))
    assert.match(human.stdout, new RegExp(`\\n\\s+fix: chmod 700 ${s.home}\\n`))
    assert.equal(statSync(s.home).mode & 0o777, 0o755, 'doctor only reports: it changes no mode')
  })

  test('a socket that accepts and never answers: doctor still finishes, the daemon check fails and the file is left alone', async () => {
    const s = x.sandbox()
    const held: net.Socket[] = []
    const server = net.createServer(socket => held.push(socket))
    await new Promise<void>(resolve => {
      server.listen(path.join(s.home, 'daemon.sock'), resolve)
    })
    try {
      const {report} = await doctorJson(s)
      assert.equal(report.ok, false)
      assert.equal(find(report, 'daemon').status, 'fail')
      assert.match(find(report, 'daemon').detail, /accepted a connection but did not answer within 2 s/)
      assert.match(find(report, 'database').detail, /^Not checked/)
      assert.ok(held.length > 0, 'doctor connected to the silent peer')
    } finally {
      for (const socket of held) socket.destroy()
      server.close()
    }
  })
})
