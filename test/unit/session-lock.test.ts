import assert from 'node:assert/strict'
import {
  chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync,
} from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import {after, describe, it} from 'node:test'

import type {RawInput} from '../../src/capture/normalise.js'

import {startGated} from '../../src/capture/backend.js'
import {
  describeLock, isUnlocked, parseSessionProperties, readSessionLock, type SessionLock, SessionLockGate, watchSessionLock,
} from '../../src/capture/session-lock.js'

const dir = mkdtempSync(path.join(os.tmpdir(), 'devtrace-lock-'))

/**
 * A stand-in for loginctl (this machine has no logind): it logs its arguments, prints the
 * Display of `show-user` and the properties in `state` for `show-session`, or fails like
 * loginctl without a bus when `state` says `fail`.
 */
function fakeLoginctl(name: string, state: string, display = '7'): {program: string; calls: () => string[]; set: (text: string) => void} {
  const stateFile = path.join(dir, `${name}.state`)
  const callsFile = path.join(dir, `${name}.calls`)
  const program = path.join(dir, `${name}.sh`)
  writeFileSync(stateFile, state)
  writeFileSync(callsFile, '')
  writeFileSync(program, `#!/bin/sh
echo "$*" >> '${callsFile}'
if [ "$(cat '${stateFile}')" = fail ]; then echo 'Failed to connect to bus: Host is down' >&2; exit 1; fi
case "$1" in
  show-user) echo '${display}' ;;
  show-session) cat '${stateFile}' ;;
esac
`)
  chmodSync(program, 0o755)
  return {
    program,
    calls: () => readFileSync(callsFile, 'utf8').split('\n').filter(Boolean),
    set: text => writeFileSync(stateFile, text),
  }
}

const UNLOCKED = 'Active=yes\nLockedHint=no\n'
const LOCKED = 'Active=yes\nLockedHint=yes\n'

function key(keycode: number): RawInput {
  return {type: 4, keycode} as RawInput
}

describe('session lock: parsing loginctl', () => {
  it('reads Active and LockedHint in either order', () => {
    assert.deepEqual(parseSessionProperties('Active=yes\nLockedHint=no\n'), {known: true, active: true, locked: false})
    assert.deepEqual(parseSessionProperties('LockedHint=yes\nActive=yes'), {known: true, active: true, locked: true})
    assert.deepEqual(parseSessionProperties('Active=no\nLockedHint=no\n'), {known: true, active: false, locked: false})
  })

  it('a missing or odd property is not a state', () => {
    for (const text of ['Active=yes\n', 'LockedHint=no', '', 'Active=maybe\nLockedHint=no', 'Active yes\nLockedHint no']) {
      const lock = parseSessionProperties(text)
      assert.equal(lock.known, false, text)
      assert.equal(isUnlocked(lock), false)
    }
  })

  it('only an active, unlocked session lets input through', () => {
    const states: Array<[SessionLock, string, boolean]> = [
      [{known: true, active: true, locked: false}, 'unlocked', true],
      [{known: true, active: true, locked: true}, 'locked', false],
      [{known: true, active: false, locked: false}, 'inactive', false],
      [{known: false, reason: 'x'}, 'unknown', false],
    ]
    for (const [lock, name, open] of states) {
      assert.equal(describeLock(lock), name)
      assert.equal(isUnlocked(lock), open)
    }
  })
})

describe('session lock: asking logind', () => {
  it('asks about XDG_SESSION_ID when set', async () => {
    const fake = fakeLoginctl('own', LOCKED)
    const lock = await readSessionLock({DEVTRACE_LOGINCTL: fake.program, XDG_SESSION_ID: '3'}, 1000)
    assert.deepEqual(lock, {known: true, active: true, locked: true})
    assert.deepEqual(fake.calls(), ['show-session 3 -p Active -p LockedHint'])
  })

  it('without a session of its own, asks for the user\'s display session', async () => {
    const fake = fakeLoginctl('display', UNLOCKED)
    const lock = await readSessionLock({DEVTRACE_LOGINCTL: fake.program}, 1000)
    assert.deepEqual(lock, {known: true, active: true, locked: false})
    assert.deepEqual(fake.calls(), ['show-user 1000 -p Display --value', 'show-session 7 -p Active -p LockedHint'])
  })

  it('no display session: unknown, saying why', async () => {
    const fake = fakeLoginctl('nodisplay', UNLOCKED, '')
    assert.deepEqual(await readSessionLock({DEVTRACE_LOGINCTL: fake.program}, 1000), {
      known: false, reason: 'logind knows no session of this user (XDG_SESSION_ID is not set)',
    })
  })

  it('no logind, or no loginctl: unknown, with the reason', async () => {
    const fake = fakeLoginctl('nobus', 'fail')
    const lock = await readSessionLock({DEVTRACE_LOGINCTL: fake.program, XDG_SESSION_ID: '3'}, 1000)
    assert.deepEqual(lock, {known: false, reason: `${fake.program} said "Failed to connect to bus: Host is down"`})
    const missing = path.join(dir, 'no-such-loginctl')
    assert.deepEqual(await readSessionLock({DEVTRACE_LOGINCTL: missing, XDG_SESSION_ID: '3'}, 1000), {known: false, reason: `${missing} is not installed`})
  })
})

describe('session lock: the gate', () => {
  it('passes input while unlocked, drops and counts it while locked, inactive or unknown', () => {
    const passed: number[] = []
    const gate = new SessionLockGate(raw => passed.push(raw.keycode ?? -1), {known: true, active: true, locked: false})
    gate.handle(key(1), 1)
    assert.equal(gate.update({known: true, active: true, locked: true}), true)
    gate.handle(key(2), 2)
    assert.equal(gate.update({known: true, active: false, locked: false}), false)
    gate.handle(key(3), 3)
    assert.equal(gate.update({known: true, active: true, locked: false}), true)
    gate.handle(key(4), 4)
    assert.equal(gate.update({known: false, reason: 'logind restarted'}), true)
    gate.handle(key(5), 5)
    assert.deepEqual(passed, [1, 4])
    assert.equal(gate.skipped, 3)
  })

  it('starts closed when the session is locked at start', () => {
    const gate = new SessionLockGate(() => assert.fail('nothing passes'), {known: true, active: true, locked: true})
    gate.handle(key(1), 1)
    assert.equal(gate.skipped, 1)
  })

  it('the watch reports each answer in order, one request at a time, until stopped', async () => {
    const answers: SessionLock[] = [
      {known: true, active: true, locked: true}, {known: true, active: true, locked: false}, {known: false, reason: 'gone'},
    ]
    let inFlight = 0
    const seen: string[] = []
    await new Promise<void>(resolve => {
      const watch = watchSessionLock(async () => {
        inFlight++
        assert.equal(inFlight, 1)
        await new Promise(setImmediate)
        inFlight--
        const answer = answers.shift()
        if (!answer) throw new Error('asked after stop')
        return answer
      }, lock => {
        seen.push(describeLock(lock))
        if (seen.length === 3) {
          watch.stop()
          resolve()
        }
      }, 1)
    })
    await new Promise(resolve => {
      setTimeout(resolve, 20)
    })
    assert.deepEqual(seen, ['locked', 'unlocked', 'unknown'])
  })
})

describe('session lock: a gated reader', () => {
  // The last suite: the stand-ins in `dir` serve the suites before it too.
  after(() => rmSync(dir, {force: true, recursive: true}))

  it('input reaches the recorder only while loginctl says unlocked; stats count what was skipped', async () => {
    const fake = fakeLoginctl('gated', UNLOCKED)
    let deliver: ((raw: RawInput, ts: number) => void) | undefined
    let readerStopped = false
    const recorded: number[] = []
    const log: string[] = []
    const waitForLog = async (text: string): Promise<void> => {
      while (!log.some(line => line.includes(text))) await new Promise(resolve => {
        setTimeout(resolve, 20)
      })
    }

    const hook = await startGated(async onInput => {
      deliver = onInput
      return {
        stop() {
          readerStopped = true
        }, stats: () => ({devices_open: 2}),
      }
    }, {env: {DEVTRACE_LOGINCTL: fake.program, XDG_SESSION_ID: '5'}, log: line => log.push(line), onInput: raw => recorded.push(raw.keycode ?? -1)})
    try {
      assert.deepEqual(log, ['session unlocked: input recorded'])
      deliver!(key(30), 1)
      fake.set(LOCKED)
      await waitForLog('session locked: input discarded')
      deliver!(key(31), 2)
      deliver!(key(32), 3)
      fake.set(UNLOCKED)
      await waitForLog('session unlocked: input recorded again')
      deliver!(key(33), 4)
      assert.deepEqual(recorded, [30, 33])
      assert.deepEqual(hook.stats?.(), {devices_open: 2, skipped_while_locked: 2})
    } finally {
      hook.stop()
    }

    assert.equal(readerStopped, true)
  })

  it('a reader that fails to start leaves no poll running', async () => {
    const fake = fakeLoginctl('failing', UNLOCKED)
    await assert.rejects(startGated(async () => {
      throw new Error('no devices')
    }, {env: {DEVTRACE_LOGINCTL: fake.program, XDG_SESSION_ID: '5'}, log() {}, onInput() {}}), /no devices/)
    const asked = fake.calls().length
    await new Promise(resolve => {
      setTimeout(resolve, 1500)
    })
    assert.equal(fake.calls().length, asked)
  })
})
