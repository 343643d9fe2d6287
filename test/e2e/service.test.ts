import assert from 'node:assert/strict'
import {
  chmodSync, existsSync, mkdtempSync, readFileSync, rmSync,
} from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import {
  after, before, describe, test,
} from 'node:test'

import {
  BIN, type Sandbox, waitFor,
} from '../helpers/cli.js'
import {queryFile} from '../helpers/db.js'
import {usePrivateDisplay} from '../helpers/display-suite.js'
import {startUserManager, type UserManager, userManagerSkipReason} from '../helpers/user-manager.js'
import {e2eSkipReason, xdotool} from '../helpers/xvfb.js'

describe('devtrace service', {skip: e2eSkipReason()}, () => {
  const x = usePrivateDisplay()

  async function json(s: Sandbox, args: string[]): Promise<Record<string, unknown>> {
    const result = await s.run([...args, '--json'])
    assert.equal(result.code, 0, `${args.join(' ')}: ${result.stdout}${result.stderr}`)
    return JSON.parse(result.stdout) as Record<string, unknown>
  }

  /** The daemon answering on the socket (a killed one lingers as a zombie, so its pid proves nothing). */
  async function livePid(s: Sandbox): Promise<null | number> {
    const status = await json(s, ['status'])
    return status.running ? status.pid as number : null
  }

  async function keyDowns(s: Sandbox): Promise<number> {
    const rows = await queryFile(path.join(s.home, 'devtrace.duckdb'), 'SELECT count(*)::INTEGER AS n FROM events WHERE kind = \'key_down\'')
    return rows[0].n as number
  }

  describe('under a private systemd user manager', {skip: userManagerSkipReason()}, () => {
    let manager: undefined | UserManager

    before(async () => {
      manager = await startUserManager()
    })

    after(async () => {
      await manager?.stop()
    })

    /** The CLI as the user of that manager runs it: their runtime folder, HOME and config folder. */
    function userSandbox(): Sandbox {
      const s = x.sandbox()
      Object.assign(s.env, manager!.env)
      return s
    }

    test('installs a unit that captures, survives kill -9, stops with a flush, and uninstalls without a trace', async () => {
      const s = userSandbox()
      const unitFile = path.join(manager!.home, '.config', 'systemd', 'user', 'devtrace.service')
      // Events reach the file only by a flush at stop: what is counted below went through SIGTERM.
      for (const [key, value] of [['backend', 'hook'], ['flush_ms', '60000']]) assert.equal((await s.run(['config', 'set', key, value])).code, 0)

      const byHand = await s.run(['start'])
      assert.equal(byHand.code, 0, byHand.stderr)
      const handPid = await livePid(s)
      assert.ok(handPid)

      const installed = await json(s, ['service', 'install'])
      assert.equal(installed.manager, 'systemd')
      assert.deepEqual(installed.files, [{path: unitFile, action: 'written'}])
      assert.equal(installed.stopped_pid, handPid, 'the daemon started by hand is stopped first')
      assert.ok((installed.imported_environment as string[]).includes('DISPLAY'))
      const servicePid = installed.pid as number
      assert.notEqual(servicePid, handPid)
      assert.equal(manager!.systemctl('show', '--property=MainPID', '--value', 'devtrace.service').stdout.trim(), String(servicePid))
      assert.equal(await livePid(s), servicePid, 'exactly one daemon: the service\'s')

      // Started with the graphical session (this manager has none: checked in the unit), absolute paths, state passed through.
      const unit = readFileSync(unitFile, 'utf8')
      for (const line of [
        'WantedBy=graphical-session.target',
        'PartOf=graphical-session.target',
        'Restart=on-failure',
        'StartLimitBurst=5',
        `ExecStart=${process.execPath} ${BIN} start --foreground`,
        `Environment="DEVTRACE_HOME=${s.home}"`,
      ]) assert.ok(unit.split('\n').includes(line), `${line} in\n${unit}`)
      assert.equal(manager!.systemctl('is-enabled', 'devtrace.service').stdout.trim(), 'enabled')

      const again = await json(s, ['service', 'install'])
      assert.deepEqual(again.files, [{path: unitFile, action: 'unchanged'}], 'install is idempotent')
      assert.equal(again.pid, servicePid)
      assert.equal(again.stopped_pid, null)

      const status = await json(s, ['service', 'status'])
      assert.deepEqual(status, {
        manager: 'systemd', files: [unitFile], installed: true, active: true, enabled: true, pid: servicePid, state: 'active',
      })

      // Typed on the private display, flushed by systemd's stop (SIGTERM).
      xdotool(x.display, 'type', '--delay', '5', 'abcde')
      assert.equal(manager!.systemctl('stop', 'devtrace.service').status, 0)
      assert.equal(await livePid(s), null)
      assert.equal(await keyDowns(s), 5)

      // A crash is restarted by systemd: a new daemon answers on the socket.
      assert.equal(manager!.systemctl('start', 'devtrace.service').status, 0)
      const beforeCrash = await waitFor(() => livePid(s), 'the service\'s daemon to answer', 120_000)
      process.kill(beforeCrash, 'SIGKILL')
      const afterCrash = await waitFor(async () => {
        const pid = await livePid(s)
        return pid !== null && pid !== beforeCrash ? pid : null
      }, 'systemd to restart the daemon', 120_000)
      assert.equal(manager!.systemctl('show', '--property=MainPID', '--value', 'devtrace.service').stdout.trim(), String(afterCrash))

      xdotool(x.display, 'type', '--delay', '5', 'fgh')
      const removed = await json(s, ['service', 'uninstall'])
      assert.deepEqual(removed, {
        manager: 'systemd', files: [{path: unitFile, action: 'removed'}], imported_environment: [], stopped_pid: afterCrash, pid: null,
      })
      assert.equal(await livePid(s), null, 'uninstall stops the daemon')
      assert.equal(await keyDowns(s), 8, 'and it flushed first')
      assert.equal(existsSync(unitFile), false)
      assert.equal(existsSync(path.join(manager!.home, '.config', 'systemd', 'user', 'graphical-session.target.wants', 'devtrace.service')), false)
      assert.notEqual(manager!.systemctl('is-enabled', 'devtrace.service').status, 0)

      const after = await json(s, ['service', 'status'])
      assert.equal(after.installed, false)
      assert.equal(after.active, false)
      const twice = await json(s, ['service', 'uninstall'])
      assert.deepEqual(twice.files, [], 'uninstall with nothing installed removes nothing')
    })
  })

  describe('without systemd', () => {
    test('writes an XDG autostart entry, starts the daemon now, and uninstall stops it and removes the entry', async () => {
      const s = x.sandbox()
      // No user manager answers in an empty runtime folder: install falls back to XDG autostart.
      const runtime = mkdtempSync(path.join(os.tmpdir(), 'devtrace-runtime-'))
      chmodSync(runtime, 0o700)
      const configHome = path.join(s.home, 'xdg-config')
      Object.assign(s.env, {XDG_RUNTIME_DIR: runtime, XDG_CONFIG_HOME: configHome})
      const entry = path.join(configHome, 'autostart', 'devtrace.desktop')
      try {
        const before = await json(s, ['service', 'status'])
        assert.deepEqual(before, {
          manager: 'xdg-autostart', files: [entry], installed: false, active: null, enabled: false, pid: null, state: null,
        })

        const installed = await json(s, ['service', 'install'])
        assert.deepEqual(installed.files, [{path: entry, action: 'written'}])
        const pid = installed.pid as number
        assert.equal(await livePid(s), pid)
        const exec = readFileSync(entry, 'utf8').split('\n').find(line => line.startsWith('Exec='))
        assert.equal(exec, `Exec=env DEVTRACE_HOME=${s.home} ${process.execPath} ${BIN} start --foreground`)

        const again = await json(s, ['service', 'install'])
        assert.deepEqual(again.files, [{path: entry, action: 'unchanged'}])
        assert.equal(again.pid, pid, 'the running daemon is kept')
        assert.equal((await json(s, ['service', 'status'])).installed, true)

        xdotool(x.display, 'type', '--delay', '5', 'ijkl')
        const removed = await json(s, ['service', 'uninstall'])
        assert.deepEqual(removed, {
          manager: 'xdg-autostart', files: [{path: entry, action: 'removed'}], imported_environment: [], stopped_pid: pid, pid: null,
        })
        assert.equal(await livePid(s), null)
        assert.equal(await keyDowns(s), 4)
        assert.equal(existsSync(entry), false)
      } finally {
        rmSync(runtime, {force: true, recursive: true})
      }
    })
  })
})
