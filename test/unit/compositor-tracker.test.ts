import assert from 'node:assert/strict'
import {mkdirSync, mkdtempSync, rmSync} from 'node:fs'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'
import {
  afterEach, beforeEach, describe, test,
} from 'node:test'

import type {AppTrackerEvents, FocusedWindow} from '../../src/capture/app-tracker.js'

import {CompositorAppTracker, hyprlandProtocol, swayProtocol} from '../../src/capture/compositor-tracker.js'
import {
  encodeI3Message, I3_EVENT, I3_MESSAGE, I3Decoder, type I3Message,
} from '../../src/capture/i3-ipc.js'
import {waitFor} from '../helpers/cli.js'

/** What the tracker told the daemon, in order. */
function recorder(): AppTrackerEvents & {calls: Array<[string, FocusedWindow | null | undefined]>; logs: string[]} {
  const calls: Array<[string, FocusedWindow | null | undefined]> = []
  const logs: string[] = []
  return {
    calls,
    logs,
    changing: () => calls.push(['changing', undefined]),
    focused: window => calls.push(['focused', window]),
    unnamed: () => calls.push(['unnamed', undefined]),
    log: line => logs.push(line),
  }
}

const con = (id: number, appId: string, name: string, focused = false): Record<string, unknown> => ({
  id, type: 'con', focused, name, app_id: appId, nodes: [], floating_nodes: [],
})
const treeFocusing = (focused: 'alpha' | 'beta' | 'none'): string => JSON.stringify({
  id: 1,
  type: 'root',
  nodes: [{
    id: 3,
    type: 'output',
    nodes: [{
      id: 4, type: 'workspace', name: '1', focused: focused === 'none', nodes: [con(5, 'alpha', 'title-alpha', focused === 'alpha'), con(6, 'beta', 'title-beta', focused === 'beta')],
    }],
  }],
})

/**
 * A peer speaking sway's side of the i3 IPC protocol on a Unix socket: it records what the
 * tracker asks and answers GET_TREE with the tree of the moment; the test pushes events.
 */
class SwayPeer {
  readonly asked: I3Message[] = []
  focused: 'alpha' | 'beta' | 'none' = 'beta'
  private readonly clients = new Set<net.Socket>()
  private server: net.Server | undefined

  constructor(readonly socket: string) {}

  async listen(): Promise<void> {
    this.server = net.createServer(client => {
      this.clients.add(client)
      client.on('close', () => this.clients.delete(client))
      const decoder = new I3Decoder()
      client.on('data', chunk => {
        for (const message of decoder.push(chunk)) {
          this.asked.push(message)
          if (message.type === I3_MESSAGE.subscribe) client.write(encodeI3Message(I3_MESSAGE.subscribe, '{"success":true}'))
          if (message.type === I3_MESSAGE.getTree) client.write(encodeI3Message(I3_MESSAGE.getTree, treeFocusing(this.focused)))
        }
      })
    })
    await new Promise<void>(resolve => {
      this.server!.listen(this.socket, resolve)
    })
  }

  send(bytes: Buffer): void {
    for (const client of this.clients) client.write(bytes)
  }

  event(type: number, payload: unknown): void {
    this.send(encodeI3Message(type, typeof payload === 'string' ? payload : JSON.stringify(payload)))
  }

  get connected(): number {
    return this.clients.size
  }

  async close(): Promise<void> {
    for (const client of this.clients) client.destroy()
    await new Promise(resolve => {
      this.server?.close(resolve)
    })
  }
}

const focusedApps = (events: ReturnType<typeof recorder>): Array<null | string> =>
  events.calls.filter(([kind]) => kind === 'focused').map(([, window]) => window?.app ?? null)

describe('CompositorAppTracker on a sway IPC socket', () => {
  let dir: string
  let peer: SwayPeer
  let tracker: CompositorAppTracker | undefined

  beforeEach(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'devtrace-sway-'))
    peer = new SwayPeer(path.join(dir, 'sway-ipc.sock'))
    await peer.listen()
  })

  afterEach(async () => {
    tracker?.stop()
    await peer.close()
    rmSync(dir, {recursive: true, force: true})
  })

  test('subscribes to window and workspace events, asks for the tree, and names the focused app (no title while titles are off)', async () => {
    const events = recorder()
    tracker = new CompositorAppTracker(swayProtocol(peer.socket), events, {titles: false})
    tracker.start()
    await waitFor(() => focusedApps(events).length === 1, 'the first answer')
    assert.deepEqual(events.calls, [['changing', undefined], ['focused', {
      id: 6, app: 'beta', instance: null, title: null,
    }]])
    assert.deepEqual(peer.asked.map(message => [message.type, message.payload]), [[I3_MESSAGE.subscribe, '["window","workspace"]'], [I3_MESSAGE.getTree, '']])
    assert.equal(tracker.method, 'sway')
    assert.equal(tracker.problem, null)
  })

  test('follows focus events, skips a message that is not JSON, and passes titles only while asked', async () => {
    const events = recorder()
    tracker = new CompositorAppTracker(swayProtocol(peer.socket), events, {titles: true})
    tracker.start()
    await waitFor(() => focusedApps(events).length === 1, 'the first answer')
    peer.event(I3_EVENT.window, '{"change": "focus", "container": {broken')
    peer.event(I3_EVENT.window, {change: 'focus', container: con(5, 'alpha', 'title-alpha', true)})
    await waitFor(() => focusedApps(events).length === 2, 'the focus event')
    assert.deepEqual(events.calls.at(-1), ['focused', {
      id: 5, app: 'alpha', instance: null, title: 'title-alpha',
    }])
    assert.match(events.logs.join('\n'), /skipped a sway message that is not JSON/)
    // A title change of another window is not focus; of the focused one it is.
    peer.event(I3_EVENT.window, {change: 'title', container: con(6, 'beta', 'elsewhere')})
    peer.event(I3_EVENT.window, {change: 'title', container: con(5, 'alpha', 'notes.txt', true)})
    await waitFor(() => focusedApps(events).length === 3, 'the title event')
    assert.equal(events.calls.at(-1)![1]?.title, 'notes.txt')
    tracker.setTitles(false)
    assert.deepEqual(events.calls.at(-1), ['focused', {
      id: 5, app: 'alpha', instance: null, title: null,
    }])
    // The focused window closes: nobody has focus until sway says who does.
    peer.event(I3_EVENT.window, {change: 'close', container: {id: 5}})
    await waitFor(() => focusedApps(events).length === 5, 'the close event')
    assert.equal(events.calls.at(-1)![1], null)
  })

  test('a switch to an empty workspace asks for the tree again: no window has focus there', async () => {
    const events = recorder()
    tracker = new CompositorAppTracker(swayProtocol(peer.socket), events, {titles: false})
    tracker.start()
    await waitFor(() => focusedApps(events).length === 1, 'the first answer')
    peer.focused = 'none'
    peer.event(I3_EVENT.workspace, {change: 'focus', current: {id: 8, type: 'workspace', name: '2'}})
    await waitFor(() => focusedApps(events).length === 2, 'the second tree')
    assert.deepEqual(focusedApps(events), ['beta', null])
    assert.equal(peer.asked.filter(message => message.type === I3_MESSAGE.getTree).length, 2)
  })

  test('a stream that is not i3 IPC is dropped: app unknown, the problem said, then it reconnects and recovers', async () => {
    const events = recorder()
    tracker = new CompositorAppTracker(swayProtocol(peer.socket), events, {titles: false})
    tracker.start()
    await waitFor(() => focusedApps(events).length === 1, 'the first answer')
    peer.send(Buffer.from('garbage that is no i3-ipc header at all'))
    await waitFor(() => tracker!.problem, 'the problem')
    assert.match(tracker.problem!, /^unreadable sway IPC stream \(not an i3 IPC message \(bad magic\)\)$/)
    assert.deepEqual(focusedApps(events), ['beta', null])
    peer.focused = 'alpha'
    await waitFor(() => focusedApps(events).length === 3, 'the answer after reconnecting')
    assert.deepEqual(focusedApps(events), ['beta', null, 'alpha'])
    assert.equal(tracker.problem, null)
    assert.match(events.logs.join('\n'), /retrying in 1 s/)
  })

  test('the compositor exits: app unknown, and the problem names its socket once reconnecting finds none', async () => {
    const events = recorder()
    tracker = new CompositorAppTracker(swayProtocol(peer.socket), events, {titles: false})
    tracker.start()
    await waitFor(() => focusedApps(events).length === 1, 'the first answer')
    await peer.close()
    await waitFor(() => tracker!.problem, 'the problem')
    assert.deepEqual(focusedApps(events), ['beta', null])
    // Reconnecting finds no socket there any more.
    await waitFor(() => tracker!.problem?.startsWith('no sway IPC at'), 'the failed reconnect')
    assert.equal(tracker.problem, `no sway IPC at ${peer.socket} (ENOENT)`)
    tracker.stop()
    assert.equal(peer.connected, 0)
  })

  test('no answer at all: events stop waiting, the app is unknown and the log says why', async () => {
    const silent = net.createServer(() => {})
    const socket = path.join(dir, 'silent.sock')
    await new Promise<void>(resolve => {
      silent.listen(socket, resolve)
    })
    try {
      const events = recorder()
      tracker = new CompositorAppTracker(swayProtocol(socket), events, {titles: false})
      tracker.start()
      await waitFor(() => focusedApps(events).length === 1, 'giving up on the first answer')
      assert.deepEqual(events.calls, [['changing', undefined], ['focused', null]])
      assert.match(events.logs.join('\n'), /no answer from sway within 1000 ms/)
      tracker.stop()
    } finally {
      silent.close()
    }
  })
})

describe('CompositorAppTracker on Hyprland sockets', () => {
  let runtime: string
  let servers: net.Server[] = []
  let tracker: CompositorAppTracker | undefined
  const signature = 'v0.45.0_1733000000_1234'

  beforeEach(() => {
    runtime = mkdtempSync(path.join(os.tmpdir(), 'devtrace-hypr-'))
    mkdirSync(path.join(runtime, 'hypr', signature), {recursive: true})
    servers = []
  })

  afterEach(() => {
    tracker?.stop()
    for (const server of servers) server.close()
    rmSync(runtime, {recursive: true, force: true})
  })

  async function serve(name: string, onClient: (client: net.Socket) => void): Promise<string> {
    const socket = path.join(runtime, 'hypr', signature, name)
    const server = net.createServer(onClient)
    servers.push(server)
    await new Promise<void>(resolve => {
      server.listen(socket, resolve)
    })
    return socket
  }

  test('asks who has focus at start, then follows activewindow lines', async () => {
    const requests: string[] = []
    await serve('.socket.sock', client => {
      client.once('data', chunk => {
        requests.push(chunk.toString())
        client.end('{"address": "0x5a1", "class": "foot", "title": "htop"}')
      })
    })
    const clients: net.Socket[] = []
    const events2 = await serve('.socket2.sock', client => clients.push(client))
    const events = recorder()
    const env = {HYPRLAND_INSTANCE_SIGNATURE: signature, XDG_RUNTIME_DIR: runtime}
    tracker = new CompositorAppTracker(hyprlandProtocol(env, events2), events, {titles: true})
    tracker.start()
    await waitFor(() => focusedApps(events).length === 1, 'the first answer')
    assert.deepEqual(requests, ['j/activewindow'])
    assert.deepEqual(events.calls.at(-1), ['focused', {
      id: 0x5_A1, app: 'foot', instance: null, title: 'htop',
    }])
    clients[0].write('workspace>>2\nactivewindow>>firefox,Inbox, 3 new\nactivewindowv2>>5b2\nactivewin')
    clients[0].write('dow>>,\n')
    await waitFor(() => focusedApps(events).length === 3, 'two focus changes')
    assert.deepEqual(focusedApps(events), ['foot', 'firefox', null])
    assert.equal(events.calls[2][1]?.title, 'Inbox, 3 new')
    assert.equal(tracker.method, 'hyprland')
  })
})
