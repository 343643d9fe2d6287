import assert from 'node:assert/strict'
import {execFileSync} from 'node:child_process'
import {
  chmodSync, chownSync, closeSync, constants, existsSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync, writeSync,
} from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import {after, describe, test} from 'node:test'

import {
  type CliResult, makeSandbox, oneLine, type Sandbox, sleep, waitFor,
} from '../helpers/cli.js'
import {queryFile} from '../helpers/db.js'
import {usePrivateDisplay} from '../helpers/display-suite.js'
import {fakeLoginctl} from '../helpers/loginctl.js'
import {statusOf} from '../helpers/status.js'
import {e2eSkipReason} from '../helpers/xvfb.js'

const skip = e2eSkipReason()

/** Another uid, without our groups: the devices below are root's alone (mode 0600). */
const AS_NOBODY = ['setpriv', '--reuid=nobody', '--regid=nogroup', '--clear-groups']
const NOBODY = Number(execFileSync('id', ['-u', 'nobody'], {encoding: 'utf8'}).trim())

/** A laptop keyboard as /proc/bus/input/devices lists it. */
const KEYBOARD = `I: Bus=0011 Vendor=0001 Product=0001 Version=ab41
N: Name="AT Translated Set 2 keyboard"
P: Phys=isa0060/serio0/input0
S: Sysfs=/devices/platform/i8042/serio0/input/input0
U: Uniq=
H: Handlers=sysrq kbd event0 leds
B: PROP=0
B: EV=120013
B: KEY=402000000 3803078f800d001 feffffdfffefffff fffffffffffffffe
B: MSC=10
B: LED=7

`

const INPUT_GROUP = /run `sudo usermod -aG input \$USER`, then log in again \(any program you run can then read all keyboard and mouse input, passwords included\)/

const folders: string[] = []
function removeFolders(): void {
  for (const folder of folders.splice(0)) rmSync(folder, {force: true, recursive: true})
}

/** A DEVTRACE_INPUT_DIR with the keyboard above, its `event0` a named pipe with this mode, owned by root. */
function inputDir(eventMode: number): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'devtrace-input-'))
  folders.push(dir)
  chmodSync(dir, 0o755)
  writeFileSync(path.join(dir, 'devices'), KEYBOARD, {mode: 0o644})
  execFileSync('mkfifo', ['-m', eventMode.toString(8), path.join(dir, 'event0')])
  return dir
}

/** Runs the CLI in `s` as nobody, who owns the sandbox's home (HOME too, so oclif looks there). */
function asNobody(s: Sandbox): (args: string[], env?: NodeJS.ProcessEnv) => Promise<CliResult> {
  chownSync(s.home, NOBODY, NOBODY)
  return async (args, env = {}) => s.run(args, {env: {HOME: s.home, ...env}, wrapper: AS_NOBODY})
}

async function assertNothingRunning(s: Sandbox): Promise<void> {
  assert.equal((await statusOf(s)).running, false)
  assert.equal(existsSync(path.join(s.home, 'daemon.sock')), false)
  assert.equal(existsSync(path.join(s.home, 'daemon.pid')), false)
}

function count(text: string, pattern: RegExp): number {
  return oneLine(text).split(pattern).length - 1
}

describe('backend choice at start', {skip}, () => {
  const x = usePrivateDisplay()

  after(removeFolders)

  test('auto in an X11 session: the hook, named in start\'s output and in --json', async () => {
    const s = x.sandbox()
    const start = await s.run(['start'])
    assert.equal(start.code, 0, start.stderr)
    assert.match(start.stdout, /devtrace is capturing \(pid \d+, level standard\) via hook \(X11\)\./)
    assert.equal((await s.run(['stop'])).code, 0)
    const json = await s.run(['start', '--json'])
    assert.equal(json.code, 0, json.stderr)
    assert.equal(JSON.parse(json.stdout).backend, 'hook')
    assert.equal(json.stderr, '')
  })

  test('a Wayland session whose devices this user may not read: the hook through XWayland, warned once, with the fix', async () => {
    const s = x.sandbox()
    const run = asNobody(s)
    const wayland = {WAYLAND_DISPLAY: 'wayland-0', XDG_SESSION_TYPE: 'wayland', DEVTRACE_INPUT_DIR: inputDir(0o600)}
    const start = await run(['start'], wayland)
    try {
      assert.equal(start.code, 0, start.stderr)
      assert.match(start.stdout, /via hook \(X11\)\./)
      assert.equal(count(start.stderr, /sees only input to X11 \(XWayland\) apps/), 1, start.stderr)
      assert.match(oneLine(start.stderr), INPUT_GROUP)
    } finally {
      assert.equal((await run(['stop'])).code, 0)
    }

    const json = await run(['start', '--json'], wayland)
    try {
      assert.equal(json.code, 0, json.stderr)
      const output = JSON.parse(json.stdout) as {backend: string; warnings: string[]}
      assert.equal(output.backend, 'hook')
      assert.equal(output.warnings.length, 1)
      assert.match(output.warnings[0], /^This is a Wayland session and the input devices in \S+ cannot be read, so devtrace captures through XWayland/)
    } finally {
      assert.equal((await run(['stop'])).code, 0)
    }
  })

  test('--backend evdev with a device this user may not read: the input-group sentence, exit 1, nothing running', async () => {
    const s = x.sandbox()
    const start = await asNobody(s)(['start', '--backend', 'evdev'], {DEVTRACE_INPUT_DIR: inputDir(0o600)})
    assert.equal(start.code, 1)
    assert.match(oneLine(start.stderr), /The evdev backend must read the kernel's input devices in \S+, which needs the input group/)
    assert.match(oneLine(start.stderr), INPUT_GROUP)
    assert.doesNotMatch(start.stderr, /\n\s+at /)
    await assertNothingRunning(s)
  })

  test('auto with no display and devices this user may not read: the same sentence', async () => {
    const s = makeSandbox()
    folders.push(s.home)
    const start = await asNobody(s)(['start'], {XDG_SESSION_TYPE: 'tty', DEVTRACE_INPUT_DIR: inputDir(0o600)})
    assert.equal(start.code, 1)
    assert.match(oneLine(start.stderr), /Without a display devtrace must read the kernel's input devices/)
    assert.match(oneLine(start.stderr), INPUT_GROUP)
    await assertNothingRunning(s)
  })

  test('the lock state cannot be known (no logind): --level full with evdev is refused, nothing running', async () => {
    const s = x.sandbox()
    const noLogind = {DEVTRACE_INPUT_DIR: inputDir(0o600), DEVTRACE_LOGINCTL: path.join(s.home, 'no-loginctl')}
    for (const args of [['start', '--backend', 'evdev', '--level', 'full'], ['start', '--level', 'full', '--foreground']]) {
      // The second: auto in a Wayland session picks evdev (root reads the device), in the foreground daemon itself.
      const start = await s.run(args, {env: {...noLogind, WAYLAND_DISPLAY: 'wayland-0'}})
      assert.equal(start.code, 1, args.join(' '))
      assert.match(oneLine(start.stderr), /Level full is refused with the evdev backend, because devtrace cannot tell when your session is locked \(\S+ is not installed\)/)
      await assertNothingRunning(s)
    }
  })
})

/** One `struct input_event` as 64-bit Linux lays it out: seconds, microseconds, type, code, value. */
function inputEvent(type: number, code: number, value: number, atMs: number): Buffer {
  const record = Buffer.alloc(24)
  record.writeBigInt64LE(BigInt(Math.floor(atMs / 1000)), 0)
  record.writeBigInt64LE(BigInt((atMs % 1000) * 1000), 8)
  record.writeUInt16LE(type, 16)
  record.writeUInt16LE(code, 18)
  record.writeInt32LE(value, 20)
  return record
}

const EV_SYN = 0
const EV_KEY = 1

/** A key pressed and released 80 ms later, each followed by SYN_REPORT. */
function keyTap(code: number, atMs: number): Buffer {
  return Buffer.concat([
    inputEvent(EV_KEY, code, 1, atMs), inputEvent(EV_SYN, 0, 0, atMs), inputEvent(EV_KEY, code, 0, atMs + 80), inputEvent(EV_SYN, 0, 0, atMs + 80),
  ])
}

/** The write end of a device pipe, once the daemon has opened its read end. */
async function openDevice(file: string): Promise<number> {
  return waitFor(() => {
    try {
      return openSync(file, constants.O_WRONLY | constants.O_NONBLOCK)
    } catch {
      return undefined
    }
  }, `the daemon to open ${file}`, 20_000)
}

// These start a daemon on the evdev reader (src/capture/evdev/evdev-input.ts).
describe('evdev behind the session lock', () => {
  after(removeFolders)

  test('lock state unknown: auto with no display starts evdev at standard and says once that it cannot tell', async () => {
    const s = makeSandbox()
    folders.push(s.home)
    try {
      const start = await s.run(['start', '--json'], {
        env: {XDG_SESSION_TYPE: 'tty', DEVTRACE_INPUT_DIR: inputDir(0o600), DEVTRACE_LOGINCTL: path.join(s.home, 'no-loginctl')},
      })
      assert.equal(start.code, 0, start.stdout + start.stderr)
      const output = JSON.parse(start.stdout) as {backend: string; warnings: string[]}
      assert.equal(output.backend, 'evdev')
      assert.equal(output.warnings.length, 1)
      assert.match(output.warnings[0], /^devtrace cannot tell when your session is locked or another user's is in front \(\S+ is not installed\)/)
      assert.equal((await statusOf(s)).skipped_while_locked, undefined)
    } finally {
      await s.run(['stop'])
    }
  })

  test('locked: keys are discarded and counted; unlocked again: recorded', async () => {
    const s = makeSandbox()
    folders.push(s.home)
    const devices = inputDir(0o600)
    const logind = fakeLoginctl(devices)
    await s.run(['config', 'set', 'flush_ms', '100'])
    const start = await s.run(['start', '--backend', 'evdev', '--level', 'full', '--json'], {
      env: {DEVTRACE_INPUT_DIR: devices, DEVTRACE_LOGINCTL: logind.program, XDG_SESSION_ID: '4'},
    })
    assert.equal(start.code, 0, start.stdout + start.stderr)
    const log = path.join(s.home, 'logs', 'daemon.log')
    const logSays = async (text: string): Promise<boolean> => readFileSync(log, 'utf8').includes(text)
    let fd: number | undefined
    try {
      fd = await openDevice(path.join(devices, 'event0'))
      const t0 = Date.now()
      writeSync(fd, keyTap(30, t0)) // a
      await waitFor(async () => (await statusOf(s)).events_session === 2, 'the first tap to be written')

      logind.set('locked')
      await waitFor(() => logSays('session locked: input discarded'), 'the daemon to see the lock')
      writeSync(fd, keyTap(48, t0 + 1000)) // b, typed at the lock screen
      await waitFor(async () => (await statusOf(s)).skipped_while_locked === 2, 'the locked tap to be skipped')

      logind.set('unlocked')
      await waitFor(() => logSays('session unlocked: input recorded again'), 'the daemon to see the unlock')
      writeSync(fd, keyTap(46, t0 + 2000)) // c
      await waitFor(async () => (await statusOf(s)).events_session === 4, 'the last tap to be written')
      await sleep(300) // nothing more arrives
      const status = await statusOf(s)
      assert.equal(status.events_session, 4)
      assert.equal(status.skipped_while_locked, 2)
    } finally {
      if (fd !== undefined) closeSync(fd)
      await s.run(['stop'])
    }

    const rows = await queryFile(path.join(s.home, 'devtrace.duckdb'), 'SELECT kind, key_code FROM events ORDER BY ts')
    assert.deepEqual(rows, [
      {kind: 'key_down', key_code: 30}, {kind: 'key_up', key_code: 30}, {kind: 'key_down', key_code: 46}, {kind: 'key_up', key_code: 46},
    ])
    const sessions = await queryFile(path.join(s.home, 'devtrace.duckdb'), 'SELECT backend FROM sessions')
    assert.deepEqual(sessions, [{backend: 'evdev'}])
  })
})
