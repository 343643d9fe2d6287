import {DuckDBInstance} from '@duckdb/node-api'
import assert from 'node:assert/strict'
import {execFileSync} from 'node:child_process'
import {
  chmodSync, closeSync, copyFileSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, statSync, writeFileSync, writeSync,
} from 'node:fs'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'
import {after, describe, test} from 'node:test'

import type {DaemonPresence} from '../../src/store/backend.js'

import {resolvePaths} from '../../src/config/paths.js'
import {checkAppTracking} from '../../src/doctor/app-tracking.js'
import {checkCaptureBackend} from '../../src/doctor/capture-backend.js'
import {type Check} from '../../src/doctor/check.js'
import {checkConfig} from '../../src/doctor/config.js'
import {checkDaemon} from '../../src/doctor/daemon.js'
import {checkDatabase} from '../../src/doctor/database.js'
import {checkDisk} from '../../src/doctor/disk.js'
import {checkInputHook, loadHook} from '../../src/doctor/input-hook.js'
import {checkModes} from '../../src/doctor/modes.js'
import {checkPlatform} from '../../src/doctor/platform.js'
import {checkService} from '../../src/doctor/service.js'
import {checkSession, sessionType} from '../../src/doctor/session.js'
import {LocalAccess} from '../../src/store/local-access.js'
import {SCHEMA_VERSION} from '../../src/store/schema.js'
import {doctorText} from '../../src/ui/doctor-view.js'
import {writeFile} from '../helpers/db.js'
import {fsMount, fsUnmount} from '../helpers/tmpfs.js'

const root = mkdtempSync(path.join(os.tmpdir(), 'devtrace-doctor-'))
after(() => rmSync(root, {force: true, recursive: true}))
let folders = 0
/** A fresh folder of our own (0700, as devtrace makes it). */
function folder(): string {
  const dir = path.join(root, `case-${++folders}`)
  mkdirSync(dir, {mode: 0o700})
  return dir
}

/** A devtrace database as the daemon leaves it: migrated, checkpointed. */
async function makeDatabase(file: string): Promise<void> {
  const access = await LocalAccess.open(file)
  access.close()
}

const ABSENT: DaemonPresence = {state: 'absent'}
const byName = (checks: Check[], name: string): Check => checks.find(check => check.name === name)!

describe('doctor: display and session type', () => {
  test('X11, XWayland, Wayland and none, from DISPLAY, WAYLAND_DISPLAY and XDG_SESSION_TYPE', () => {
    assert.equal(sessionType({DISPLAY: ':0'}), 'x11')
    assert.equal(sessionType({DISPLAY: ':0', XDG_SESSION_TYPE: 'x11'}), 'x11')
    assert.equal(sessionType({DISPLAY: ':0', WAYLAND_DISPLAY: 'wayland-0'}), 'xwayland')
    assert.equal(sessionType({DISPLAY: ':0', XDG_SESSION_TYPE: 'wayland'}), 'xwayland')
    assert.equal(sessionType({WAYLAND_DISPLAY: 'wayland-0'}), 'wayland')
    assert.equal(sessionType({XDG_SESSION_TYPE: 'tty'}), 'none')
    assert.equal(sessionType({}), 'none')
  })

  test('a session with a display is ok and names what it saw; no session is a warn with the fix', () => {
    const x11 = checkSession({DISPLAY: ':7'}, 'linux')
    assert.equal(x11.status, 'ok')
    assert.match(x11.detail, /X11 session \(DISPLAY=:7, WAYLAND_DISPLAY=\(unset\), XDG_SESSION_TYPE=\(unset\)\)/)
    assert.match(checkSession({DISPLAY: ':0', WAYLAND_DISPLAY: 'wayland-0'}, 'linux').detail, /XWayland.*only X11 apps/)
    const none = checkSession({}, 'linux')
    assert.equal(none.status, 'warn')
    assert.ok(none.fix)
  })
})

describe('doctor: platform', () => {
  test('macOS says plainly that uiohook-napi may stop after the first key (issue 23)', () => {
    const mac = checkPlatform('darwin')
    assert.equal(mac.status, 'warn')
    assert.match(mac.detail, /uiohook-napi under plain Node\.js may stop delivering events after the first key/)
    assert.match(mac.detail, /uiohook-napi issue 23/)
    assert.equal(checkPlatform('linux').status, 'ok')
  })
})

describe('doctor: config', () => {
  test('missing is ok (defaults), valid is ok, and both hand over the settings', () => {
    const dir = folder()
    const file = path.join(dir, 'config.json')
    const missing = checkConfig(file)
    assert.equal(missing.check.status, 'ok')
    assert.equal(missing.config.retention_days, 90)
    writeFileSync(file, JSON.stringify({retention_days: 7}))
    const valid = checkConfig(file)
    assert.equal(valid.check.status, 'ok')
    assert.equal(valid.config.retention_days, 7)
  })

  test('broken JSON and an invalid field fail with the message every command would give, and defaults go on', () => {
    const dir = folder()
    const file = path.join(dir, 'config.json')
    writeFileSync(file, '{"level": ')
    const broken = checkConfig(file)
    assert.equal(broken.check.status, 'fail')
    assert.match(broken.check.detail, /is not valid JSON/)
    assert.match(broken.check.fix ?? '', /Fix or delete/)
    assert.equal(broken.config.level, 'standard')
    writeFileSync(file, JSON.stringify({mouse_hz: -1}))
    const invalid = checkConfig(file)
    assert.equal(invalid.check.status, 'fail')
    assert.match(invalid.check.detail, /field "mouse_hz" is invalid/)
  })
})

describe('doctor: file modes', () => {
  test('a folder that does not exist yet is ok; 0700 and 0600 are ok', () => {
    assert.equal(checkModes(path.join(root, 'nothing-here'), 'linux').status, 'ok')
    const dir = folder()
    mkdirSync(path.join(dir, 'logs'), {mode: 0o700})
    writeFileSync(path.join(dir, 'config.json'), '{}', {mode: 0o600})
    writeFileSync(path.join(dir, 'logs', 'daemon.log'), '', {mode: 0o600})
    const check = checkModes(dir, 'linux')
    assert.equal(check.status, 'ok', check.detail)
    assert.match(check.detail, /2 folders and 2 files/)
  })

  test('a 0755 folder and a 0644 file are a warn whose chmod fix, run as it is, puts them right', () => {
    const dir = folder()
    mkdirSync(path.join(dir, 'logs'), {mode: 0o700})
    writeFileSync(path.join(dir, 'config.json'), '{}', {mode: 0o600})
    writeFileSync(path.join(dir, 'logs', "it's.log"), '')
    chmodSync(dir, 0o755)
    chmodSync(path.join(dir, 'logs', "it's.log"), 0o644)
    const check = checkModes(dir, 'linux')
    assert.equal(check.status, 'warn')
    assert.match(check.detail, /folders not 0700: .* \(0755\)/)
    assert.match(check.detail, /files not 0600: .*it's\.log \(0644\)/)
    assert.match(check.fix ?? '', new RegExp(`^chmod 700 ${dir} && chmod 600 '`))
    execFileSync('sh', ['-c', check.fix!])
    assert.equal(statSync(dir).mode & 0o777, 0o700)
    assert.equal(checkModes(dir, 'linux').status, 'ok')
  })

  test('the daemon\'s socket is not judged by its mode', async () => {
    const dir = folder()
    const server = net.createServer()
    await new Promise<void>(resolve => {
      server.listen(path.join(dir, 'daemon.sock'), resolve)
    })
    try {
      chmodSync(path.join(dir, 'daemon.sock'), 0o777)
      assert.equal(checkModes(dir, 'linux').status, 'ok')
    } finally {
      server.close()
    }
  })
})

describe('doctor: disk space', () => {
  test('a roomy disk is ok; a nearly full one fails with the fix; a folder not made yet is judged by its parent', async () => {
    const roomy = await checkDisk(path.join(folder(), 'not', 'made', 'yet'))
    assert.notEqual(roomy.status, 'fail', roomy.detail)
    assert.match(roomy.detail, /free at /)
    const small = fsMount(1024 * 1024)
    try {
      const full = await checkDisk(small)
      assert.equal(full.status, 'fail')
      assert.match(full.detail, /^Only 1\.0 MiB free at /)
      assert.match(full.fix ?? '', /DEVTRACE_HOME/)
    } finally {
      fsUnmount(small)
    }
  })
})

describe('doctor: database, WAL and retention (daemon stopped: the file, read-only)', () => {
  test('no database yet: ok, and nothing is created', async () => {
    const home = folder()
    const paths = resolvePaths({DEVTRACE_HOME: home})
    const checks = await checkDatabase(paths, ABSENT, 90)
    assert.deepEqual(checks.map(check => [check.name, check.status]), [['database', 'ok'], ['wal', 'ok'], ['retention', 'ok']])
    assert.match(byName(checks, 'database').detail, /No database yet/)
    assert.deepEqual(readdirNames(home), [])
  })

  test('a stopped database reports its schema version, and is not changed by the check', async () => {
    const home = folder()
    const paths = resolvePaths({DEVTRACE_HOME: home})
    await makeDatabase(paths.database)
    const before = readFileSync(paths.database)
    const checks = await checkDatabase(paths, ABSENT, 90)
    const database = byName(checks, 'database')
    assert.equal(database.status, 'ok')
    assert.match(database.detail, new RegExp(`opens \\(read-only\\); schema version ${SCHEMA_VERSION}\\.`))
    assert.match(byName(checks, 'wal').detail, /No write-ahead log/)
    assert.match(byName(checks, 'retention').detail, /No events are stored yet/)
    assert.deepEqual(readFileSync(paths.database), before)
    assert.deepEqual(readdirNames(home), ['devtrace.duckdb'])
  })

  test('a WAL left by a crash is present and replays; a corrupt one fails with the fix, and neither file changes', async () => {
    const home = folder()
    const paths = resolvePaths({DEVTRACE_HOME: home})
    await crashedWithWal(paths.database)
    const wal = `${paths.database}.wal`
    const walBytes = readFileSync(wal)
    const replayed = await checkDatabase(paths, ABSENT, 90)
    assert.equal(byName(replayed, 'wal').status, 'ok')
    assert.match(byName(replayed, 'wal').detail, /is present and replays/)
    // The WAL's event is seen: replayed in memory, not folded into the file.
    assert.match(byName(replayed, 'retention').detail, /oldest event is from/)
    assert.deepEqual(readFileSync(wal), walBytes)

    const fd = openSync(wal, 'r+')
    writeSync(fd, Buffer.alloc(64, 0xFF), 0, 64, 100)
    closeSync(fd)
    const corrupt = readFileSync(wal)
    const broken = await checkDatabase(paths, ABSENT, 90)
    assert.equal(byName(broken, 'database').status, 'fail')
    assert.equal(byName(broken, 'wal').status, 'fail')
    assert.match(byName(broken, 'wal').detail, /cannot be replayed/)
    assert.match(byName(broken, 'wal').fix ?? '', /devtrace start.*moves it aside/)
    assert.deepEqual(readFileSync(wal), corrupt, 'the check never moves or rewrites the WAL')
  })

  test('a database from a newer devtrace fails with its message', async () => {
    const home = folder()
    const paths = resolvePaths({DEVTRACE_HOME: home})
    await makeDatabase(paths.database)
    await writeFile(paths.database, `INSERT INTO schema_version VALUES (${SCHEMA_VERSION + 1}, now()::TIMESTAMP)`)
    const database = byName(await checkDatabase(paths, ABSENT, 90), 'database')
    assert.equal(database.status, 'fail')
    assert.match(database.detail, /newer than this devtrace understands/)
    assert.match(database.fix ?? '', /Upgrade devtrace/)
  })

  test('retention: an oldest event older than retention_days is a warn; within it, or retention 0, is ok', async () => {
    const home = folder()
    const paths = resolvePaths({DEVTRACE_HOME: home})
    await makeDatabase(paths.database)
    const now = Date.parse('2026-06-30T12:00:00Z')
    await writeFile(paths.database, 'INSERT INTO events_live (ts, session_id, kind) VALUES (TIMESTAMP \'2026-06-01 12:00:00\', 1, \'key_down\')')
    const stale = byName(await checkDatabase(paths, ABSENT, 7, {now}), 'retention')
    assert.equal(stale.status, 'warn')
    assert.match(stale.detail, /retention_days is 7.*oldest event is from 2026-06-01 \(29 days ago\): older than the setting/)
    assert.match(stale.fix ?? '', /devtrace start/)
    assert.equal(byName(await checkDatabase(paths, ABSENT, 30, {now}), 'retention').status, 'ok')
    assert.equal(byName(await checkDatabase(paths, ABSENT, 0, {now}), 'retention').status, 'ok')
  })

  test('a socket that holds on without answering: the database is not opened, each line says why', async () => {
    const home = folder()
    const paths = resolvePaths({DEVTRACE_HOME: home})
    const checks = await checkDatabase(paths, {state: 'silent', reason: 'it did not answer'}, 90)
    assert.deepEqual(checks.map(check => check.status), ['warn', 'warn', 'warn'])
    assert.match(checks[0].detail, /Not checked/)
  })
})

describe('doctor: daemon', () => {
  test('nothing listening: a warn to start it; a pid file without a daemon: a warn naming the stale file and its fix', async () => {
    const home = folder()
    const paths = resolvePaths({DEVTRACE_HOME: home})
    const none = await checkDaemon(paths, '1.0.0')
    assert.equal(none.presence.state, 'absent')
    assert.equal(none.check.status, 'warn')
    assert.match(none.check.fix ?? '', /devtrace start/)
    writeFileSync(paths.pidFile, '999999\n')
    const stale = await checkDaemon(paths, '1.0.0')
    assert.equal(stale.check.status, 'warn')
    assert.match(stale.check.detail, /names pid 999999/)
    assert.equal(stale.check.fix, `\`devtrace start\` replaces it; or remove it: rm ${paths.pidFile}`)
  })

  test('a peer that accepts and never answers: doctor finishes, and the daemon check fails', async () => {
    const home = folder()
    const paths = resolvePaths({DEVTRACE_HOME: home})
    const held: net.Socket[] = []
    const server = net.createServer(socket => held.push(socket))
    await new Promise<void>(resolve => {
      server.listen(paths.socket, resolve)
    })
    try {
      const {check, presence} = await checkDaemon(paths, '1.0.0', 200)
      assert.equal(presence.state, 'silent')
      assert.equal(check.status, 'fail')
      assert.match(check.detail, /accepted a connection but did not answer within 0\.2 s/)
      assert.equal(held.length, 1, 'it connected')
    } finally {
      for (const socket of held) socket.destroy()
      server.close()
    }
  })

  test('a daemon of another version answers: a warn to restart it', async () => {
    const home = folder()
    const paths = resolvePaths({DEVTRACE_HOME: home})
    const server = net.createServer(socket => {
      socket.setEncoding('utf8')
      socket.on('data', (line: string) => {
        const {id} = JSON.parse(line) as {id: number}
        socket.write(JSON.stringify({id, type: 'result', result: {pid: 4242, version: '0.9.0'}}) + '\n')
      })
    })
    await new Promise<void>(resolve => {
      server.listen(paths.socket, resolve)
    })
    try {
      const {check, presence} = await checkDaemon(paths, '1.0.0')
      assert.deepEqual(presence, {state: 'answering', pid: 4242, version: '0.9.0'})
      assert.equal(check.status, 'warn')
      assert.match(check.detail, /it is devtrace 0\.9\.0 and this is 1\.0\.0/)
      assert.equal((await checkDaemon(paths, '0.9.0')).check.status, 'ok')
    } finally {
      server.close()
    }
  })
})

describe('doctor: input hook', () => {
  test('without an X display on Linux it is not loaded, and says why', {skip: process.platform !== 'linux'}, async () => {
    const check = await checkInputHook({})
    assert.equal(check.status, 'warn')
    assert.match(check.detail, /Not loaded: on Linux uiohook-napi needs an X display/)
  })

  test('a module that loads is ok; one whose library is missing fails with the apt fix; one that hangs is ended', async () => {
    const dir = folder()
    const good = path.join(dir, 'good.cjs')
    writeFileSync(good, 'exports.uIOhook = {start() {}}')
    assert.equal((await loadHook(good, {}, 30_000)).status, 'ok')

    const missing = path.join(dir, 'missing.cjs')
    writeFileSync(missing, 'throw new Error("libXtst.so.6: cannot open shared object file: No such file or directory")')
    const fails = await loadHook(missing, {}, 30_000)
    assert.equal(fails.status, 'fail')
    assert.match(fails.detail, /libXtst\.so\.6: cannot open shared object file/)
    assert.match(fails.fix ?? '', /apt-get install libx11-6 libxtst6/)

    const hangs = path.join(dir, 'hangs.cjs')
    writeFileSync(hangs, 'while (true) {}')
    const ended = await loadHook(hangs, {}, 300)
    assert.equal(ended.status, 'warn')
    assert.match(ended.detail, /did not finish within 0\.3 s/)
  })

  test('an uninstalled hook fails', async () => {
    assert.equal((await checkInputHook({}, null)).status, 'fail')
  })
})

describe('doctor: capture backend (the choice start makes)', () => {
  const hookOk = async (): Promise<void> => {}
  const noDevices = (env: NodeJS.ProcessEnv) => ({eventDir: env.DEVTRACE_INPUT_DIR ?? '/dev/input', readable: [], unreadable: []})

  test('X11 with a working hook: ok, via the hook', async () => {
    const check = await checkCaptureBackend('auto', 'standard', {DISPLAY: ':0'}, {platform: 'linux', probes: {hook: hookOk}})
    assert.equal(check.status, 'ok')
    assert.match(check.detail, /would capture via the X11 hook/)
  })

  test('Wayland without XWayland and without readable devices: start would refuse, and the fix names the input group', async () => {
    const check = await checkCaptureBackend('auto', 'standard', {WAYLAND_DISPLAY: 'wayland-0'}, {
      platform: 'linux',
      probes: {devices: () => ({eventDir: '/dev/input', readable: [], unreadable: ['event0']})},
    })
    assert.equal(check.status, 'fail')
    assert.match(check.detail, /would refuse: .*input group: run `sudo usermod -aG input \$USER`/)
    assert.match(check.detail, /You are (not )?in the input group|This system has no input group/)
  })

  test('evdev whose lock state logind cannot tell: a warn that says so', async () => {
    const check = await checkCaptureBackend('evdev', 'standard', {}, {
      platform: 'linux',
      probes: {devices: () => ({eventDir: '/dev/input', readable: ['event0'], unreadable: []}), lock: async () => ({known: false, reason: 'loginctl is not installed'})},
    })
    assert.equal(check.status, 'warn')
    assert.match(check.detail, /via evdev .*cannot tell when your session is locked.*\(loginctl is not installed\)/)
  })

  test('evdev with a known, unlocked session: ok, recording only while unlocked', async () => {
    const check = await checkCaptureBackend('evdev', 'standard', {}, {
      platform: 'linux',
      probes: {devices: () => ({eventDir: '/dev/input', readable: ['event0'], unreadable: []}), lock: async () => ({known: true, active: true, locked: false})},
    })
    assert.equal(check.status, 'ok')
    assert.match(check.detail, /only while your session is unlocked/)
  })

  test('no display and no devices: fail with start\'s own message', async () => {
    const check = await checkCaptureBackend('auto', 'standard', {}, {platform: 'linux', probes: {devices: noDevices}})
    assert.equal(check.status, 'fail')
    assert.match(check.detail, /There is no X display/)
  })
})

describe('doctor: app tracking', () => {
  test('X11 without xprop on the PATH: a warn with the package to install', async () => {
    const check = await checkAppTracking({DISPLAY: ':0', PATH: path.join(root, 'empty-path')}, 'linux')
    assert.equal(check.status, 'warn')
    assert.match(check.detail, /xprop is not installed/)
    assert.match(check.fix ?? '', /x11-utils/)
  })

  test('Sway: ok when its socket exists, a warn when it does not', async () => {
    const dir = folder()
    const socket = path.join(dir, 'sway-ipc.sock')
    const missing = await checkAppTracking({WAYLAND_DISPLAY: 'wayland-1', SWAYSOCK: socket}, 'linux')
    assert.equal(missing.status, 'warn')
    assert.match(missing.detail, /does not exist/)
    writeFileSync(socket, '')
    assert.equal((await checkAppTracking({WAYLAND_DISPLAY: 'wayland-1', SWAYSOCK: socket}, 'linux')).status, 'ok')
  })

  test('GNOME on Wayland and a console: a warn naming why', async () => {
    const gnome = await checkAppTracking({WAYLAND_DISPLAY: 'wayland-0', XDG_CURRENT_DESKTOP: 'ubuntu:GNOME'}, 'linux')
    assert.equal(gnome.status, 'warn')
    assert.match(gnome.detail, /GNOME Wayland/)
    assert.equal((await checkAppTracking({}, 'linux')).status, 'warn')
  })
})

describe('doctor: service (serviceStatus from src/service)', {skip: process.platform !== 'linux'}, () => {
  test('not installed is a warn with `service install`; an installed unit is reported as installed', async () => {
    const config = folder()
    const env = {...process.env, XDG_CONFIG_HOME: config}
    const absent = await checkService(env)
    assert.equal(absent.status, 'warn')
    assert.match(absent.fix ?? '', /devtrace service install/)
    mkdirSync(path.join(config, 'systemd', 'user'), {recursive: true})
    writeFileSync(path.join(config, 'systemd', 'user', 'devtrace.service'), '[Unit]\nDescription=devtrace\n')
    const installed = await checkService(env)
    assert.match(installed.detail, /^Installed/)
  })
})

describe('doctor: the view', () => {
  test('one line per check with its status, the fix beneath, and a summary', () => {
    const previous = process.env.NO_COLOR
    process.env.NO_COLOR = '1'
    try {
      const text = doctorText([
        {name: 'config', status: 'ok', detail: 'valid.'},
        {
          name: 'file modes', status: 'warn', detail: 'folder is 0755.', fix: 'chmod 700 /x',
        },
        {name: 'daemon', status: 'fail', detail: 'silent\u001B[2J.'},
      ])
      assert.deepEqual(text.split('\n'), [
        'ok    config      valid.',
        'warn  file modes  folder is 0755.',
        '                  fix: chmod 700 /x',
        String.raw`FAIL  daemon      silent\x1b[2J.`,
        '',
        '1 check failed, 1 warning.',
      ])
    } finally {
      if (previous === undefined) delete process.env.NO_COLOR
      else process.env.NO_COLOR = previous
    }
  })
})

function readdirNames(dir: string): string[] {
  return execFileSync('ls', ['-A', dir], {encoding: 'utf8'}).split('\n').filter(Boolean)
}

/** A database and the WAL a daemon killed before its checkpoint leaves: copied while it was still open. */
async function crashedWithWal(file: string): Promise<void> {
  const live = `${file}.live`
  await makeDatabase(live)
  const instance = await DuckDBInstance.create(live, {checkpoint_threshold: '1GB'})
  const connection = await instance.connect()
  try {
    await connection.run('INSERT INTO events_live (ts, session_id, kind) VALUES (TIMESTAMP \'2026-01-01 00:00:00\', 1, \'key_down\')')
    copyFileSync(live, file)
    copyFileSync(`${live}.wal`, `${file}.wal`)
  } finally {
    connection.closeSync()
    instance.closeSync()
    rmSync(live)
  }

  chmodSync(file, 0o600)
}
