import type {ChildProcess} from 'node:child_process'

import assert from 'node:assert/strict'
import {EventEmitter} from 'node:events'
import {PassThrough} from 'node:stream'
import {describe, it} from 'node:test'

import {type FocusedWindow, LOOKUP_TIMEOUT_MS, X11AppTracker} from '../../src/capture/app-tracker.js'

/** A stand-in for an xprop process: the test writes its output lines. */
// eslint-disable-next-line unicorn/prefer-event-target -- it stands in for a ChildProcess, which is an EventEmitter
class FakeXprop extends EventEmitter {
  exitCode: null | number = null
  signalCode: null | string = null
  readonly stderr = new PassThrough()
  readonly stdout = new PassThrough()

  constructor(readonly args: string[]) {
    super()
  }

  exit(code = 0): void {
    this.stdout.end()
    this.exitCode = code
    setImmediate(() => this.emit('exit', code, null))
  }

  kill(): boolean {
    this.signalCode = 'SIGTERM'
    this.stdout.end()
    setImmediate(() => this.emit('exit', null, 'SIGTERM'))
    return true
  }

  print(...lines: string[]): void {
    for (const line of lines) this.stdout.write(`${line}\n`)
  }

  unref(): void {}
}

const tick = (ms = 5): Promise<void> => new Promise(resolve => {
  setTimeout(resolve, ms)
})

function makeTracker(titles = false): {
  tracker: X11AppTracker
  processes: FakeXprop[]
  seen: Array<'changing' | 'unnamed' | FocusedWindow | null>
  logs: string[]
  root: () => FakeXprop
  last: () => FakeXprop
} {
  const processes: FakeXprop[] = []
  const seen: Array<'changing' | 'unnamed' | FocusedWindow | null> = []
  const logs: string[] = []
  const tracker = new X11AppTracker(
    {
      changing: () => seen.push('changing'), focused: window => seen.push(window), unnamed: () => seen.push('unnamed'), log: line => logs.push(line),
    },
    {
      titles,
      env: {DISPLAY: ':99'},
      spawnProcess(command, args) {
        assert.equal(command, 'xprop')
        const child = new FakeXprop(args)
        processes.push(child)
        return child as unknown as ChildProcess
      },
    },
  )
  return {
    tracker, processes, seen, logs, root: () => processes[0], last: () => processes.at(-1)!,
  }
}

describe('X11 app tracker (over fake xprop processes)', () => {
  it('follows focus with one root spy, names each window once, and remembers it while it exists', async () => {
    const {last, processes, root, seen, tracker} = makeTracker()
    tracker.start()
    assert.deepEqual(root().args, ['-root', '-spy', '_NET_ACTIVE_WINDOW', '_NET_CLIENT_LIST'])
    root().print('_NET_ACTIVE_WINDOW(WINDOW): window id # 0xa00001', '_NET_CLIENT_LIST(WINDOW): window id # 0xa00001, 0xb00001')
    await tick()
    assert.deepEqual(last().args, ['-id', '0xa00001', 'WM_CLASS'])
    last().print('WM_CLASS(STRING) = "xterm", "DevAlpha"')
    await tick()
    root().print('_NET_ACTIVE_WINDOW(WINDOW): window id # 0xb00001')
    await tick()
    last().print('WM_CLASS(STRING) = "devbeta", "Xmessage"')
    await tick()
    // Back to a window already named: no new process, no wait.
    root().print('_NET_ACTIVE_WINDOW(WINDOW): window id # 0x0', '_NET_ACTIVE_WINDOW(WINDOW): window id # 0xa00001')
    await tick()
    assert.equal(processes.length, 3)
    assert.deepEqual(seen, [
      'changing',
      'changing',
      {
        id: 0xA0_00_01, instance: 'xterm', app: 'DevAlpha', title: null,
      },
      'changing',
      {
        id: 0xB0_00_01, instance: 'devbeta', app: 'Xmessage', title: null,
      },
      null,
      {
        id: 0xA0_00_01, instance: 'xterm', app: 'DevAlpha', title: null,
      },
    ])
    tracker.stop()
  })

  it('forgets a window that left the client list, so a reused id is looked up again', async () => {
    const {last, processes, root, seen, tracker} = makeTracker()
    tracker.start()
    root().print('_NET_ACTIVE_WINDOW(WINDOW): window id # 0xa00001', '_NET_CLIENT_LIST(WINDOW): window id # 0xa00001')
    await tick()
    last().print('WM_CLASS(STRING) = "term", "Terminal"')
    await tick()
    root().print('_NET_CLIENT_LIST(WINDOW): window id # 0x0', '_NET_ACTIVE_WINDOW(WINDOW): window id # 0x0')
    root().print('_NET_CLIENT_LIST(WINDOW): window id # 0xa00001', '_NET_ACTIVE_WINDOW(WINDOW): window id # 0xa00001')
    await tick()
    assert.equal(processes.length, 3)
    last().print('WM_CLASS(STRING) = "keepassxc", "KeePassXC"')
    await tick()
    assert.deepEqual(seen.at(-1), {
      id: 0xA0_00_01, instance: 'keepassxc', app: 'KeePassXC', title: null,
    })
    tracker.stop()
  })

  it('a window without WM_CLASS, or one that vanished, is an unknown app; tracking goes on', async () => {
    const {last, root, seen, tracker} = makeTracker()
    tracker.start()
    root().print('_NET_ACTIVE_WINDOW(WINDOW): window id # 0xc00001', '_NET_CLIENT_LIST(WINDOW): window id # 0xc00001')
    await tick()
    last().print('WM_CLASS:  not found.')
    await tick()
    root().print('_NET_ACTIVE_WINDOW(WINDOW): window id # 0xd00001')
    await tick()
    last().exit(1) // BadWindow: closed before we asked
    await tick()
    assert.deepEqual(seen.slice(1), [
      'changing', {
        id: 0xC0_00_01, instance: null, app: null, title: null,
      }, 'changing', {
        id: 0xD0_00_01, instance: null, app: null, title: null,
      },
    ])
    tracker.stop()
  })

  it('focus moving on before a window is named: the events that waited are unnamed, not given to the next app', async () => {
    const {last, root, seen, tracker} = makeTracker()
    tracker.start()
    root().print('_NET_CLIENT_LIST(WINDOW): window id # 0xa00001, 0xb00001', '_NET_ACTIVE_WINDOW(WINDOW): window id # 0xa00001')
    await tick()
    last().print('WM_CLASS(STRING) = "xterm", "DevAlpha"')
    await tick()
    root().print('_NET_ACTIVE_WINDOW(WINDOW): window id # 0xb00001') // being named…
    root().print('_NET_ACTIVE_WINDOW(WINDOW): window id # 0xa00001') // …when focus returns
    await tick()
    assert.deepEqual(seen.slice(-3), ['changing', 'unnamed', {
      id: 0xA0_00_01, instance: 'xterm', app: 'DevAlpha', title: null,
    }])
    tracker.stop()
  })

  it('with titles, keeps a spy on the focused window and reports title changes', async () => {
    const {last, root, seen, tracker} = makeTracker(true)
    tracker.start()
    root().print('_NET_ACTIVE_WINDOW(WINDOW): window id # 0xa00001', '_NET_CLIENT_LIST(WINDOW): window id # 0xa00001')
    await tick()
    assert.deepEqual(last().args, ['-id', '0xa00001', '-spy', 'WM_CLASS', '_NET_WM_NAME', 'WM_NAME'])
    last().print('WM_CLASS(STRING) = "code", "Code"', '_NET_WM_NAME(UTF8_STRING) = "a.ts — Code"', 'WM_NAME(STRING) = "a.ts - Code"')
    await tick()
    last().print('_NET_WM_NAME(UTF8_STRING) = "b.ts — Code"')
    await tick()
    assert.deepEqual(seen.slice(2).map(window => (window as FocusedWindow).title), ['a.ts — Code', 'b.ts — Code'])
    tracker.stop()
    assert.equal(last().signalCode, 'SIGTERM')
  })

  it('without xprop, the app is unknown and the reason is kept', async () => {
    const {root, seen, tracker} = makeTracker()
    tracker.start()
    root().emit('error', Object.assign(new Error('spawn xprop ENOENT'), {code: 'ENOENT'}))
    await tick()
    assert.match(tracker.problem!, /xprop is not installed/)
    assert.deepEqual(seen, ['changing', null])
    tracker.stop()
  })

  it('a lookup that never answers gives up after LOOKUP_TIMEOUT_MS with an unknown app', async () => {
    const {logs, root, seen, tracker} = makeTracker()
    tracker.start()
    root().print('_NET_ACTIVE_WINDOW(WINDOW): window id # 0xe00001')
    await tick(LOOKUP_TIMEOUT_MS + 100)
    assert.deepEqual(seen, ['changing', 'changing', {
      id: 0xE0_00_01, instance: null, app: null, title: null,
    }])
    assert.match(logs[0], /took over 1000 ms/)
    tracker.stop()
  })
})
