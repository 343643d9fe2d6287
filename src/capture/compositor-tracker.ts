import net from 'node:net'

import type {AppTracker, AppTrackerEvents, FocusedWindow} from './app-tracker.js'

import {errorMessage} from '../core/errors.js'
import {hyprlandSocket} from './app-source.js'
import {LOOKUP_TIMEOUT_MS} from './app-tracker.js'
import {
  LineSplitter, MAX_HYPRLAND_LINE, parseHyprlandActiveWindow, parseHyprlandLine,
} from './hyprland-events.js'
import {
  encodeI3Message, focusedInTree, I3_EVENT, I3_MESSAGE, I3Decoder, type I3Window, parseWindowEvent,
} from './i3-ipc.js'

/**
 * App context from a Wayland compositor that tells its clients about focus: one long-lived
 * connection to its socket, on which it pushes every focus change (nothing is polled, and no
 * process is started). The wire formats are in i3-ipc.ts (Sway, i3) and hyprland-events.ts.
 *
 * The same promises as the X11 tracker: events wait (at most LOOKUP_TIMEOUT_MS) for the first
 * answer, titles are passed on only while `capture_titles` is on, and nothing here stops capture.
 * When the compositor goes away (it exited, the session ended) the app becomes unknown and the
 * tracker tries again a few times, slower each time, then gives up and says so in `problem`. A
 * stream it cannot read (bad framing, a message over the size limit) is dropped the same way;
 * one malformed message inside good framing is logged and skipped.
 */

/** How one compositor's socket is spoken: what to send on connecting, and how to read what comes back. */
export interface FocusProtocol {
  readonly method: 'hyprland' | 'sway'
  readonly socket: string
  /**
   * Connected: send what is needed (subscriptions, the question "who has focus?") and return
   * the reader for incoming bytes, which calls `report` with each focus change and throws when
   * the stream cannot be read.
   */
  open(connection: net.Socket, report: (window: FocusedWindow | null) => void, log: (line: string) => void): (chunk: Buffer) => void
}

/** Retries after the compositor's socket closed or could not be reached; then we give up. */
const RECONNECT_DELAYS_MS = [1000, 2000, 5000, 10_000, 30_000]
/** Longest we let events wait for the first answer: as long as for naming an X11 window. */
const FIRST_ANSWER_MS = LOOKUP_TIMEOUT_MS

export class CompositorAppTracker implements AppTracker {
  readonly method: string
  problem: null | string = null
  private connection: net.Socket | undefined
  private current: FocusedWindow | null | undefined
  private titles: boolean
  private stopped = true
  private attempts = 0
  private retryTimer: NodeJS.Timeout | undefined
  private firstAnswerTimer: NodeJS.Timeout | undefined

  constructor(
    private readonly protocol: FocusProtocol,
    private readonly events: AppTrackerEvents,
    options: {titles: boolean},
  ) {
    this.method = protocol.method
    this.titles = options.titles
  }

  start(): void {
    this.stopped = false
    this.current = undefined
    this.events.changing()
    this.firstAnswerTimer = setTimeout(() => {
      if (this.current !== undefined || this.stopped) return
      this.events.log(`no answer from ${this.method} within ${FIRST_ANSWER_MS} ms; app unknown for now`)
      this.events.focused(null)
    }, FIRST_ANSWER_MS)
    this.firstAnswerTimer.unref()
    this.connect()
  }

  setTitles(on: boolean): void {
    if (on === this.titles) return
    this.titles = on
    if (this.current) this.tell(this.current)
  }

  stop(): void {
    this.stopped = true
    clearTimeout(this.retryTimer)
    clearTimeout(this.firstAnswerTimer)
    this.connection?.destroy()
    this.connection = undefined
  }

  private connect(): void {
    const {protocol} = this
    const connection = net.createConnection({path: protocol.socket})
    this.connection = connection
    let failure: string | undefined
    connection.once('connect', () => {
      const read = protocol.open(connection, window => this.answer(connection, window), this.events.log)
      connection.on('data', (chunk: Buffer) => {
        if (this.connection !== connection) return
        try {
          read(chunk)
        } catch (error) {
          failure = `unreadable ${this.method} IPC stream (${errorMessage(error)})`
          connection.destroy()
        }
      })
    })
    connection.once('error', (error: NodeJS.ErrnoException) => {
      failure = error.code === 'ENOENT' || error.code === 'ECONNREFUSED'
        ? `no ${this.method} IPC at ${protocol.socket} (${error.code})`
        : `${this.method} IPC failed: ${error.message}`
    })
    connection.once('close', () => {
      if (this.stopped || this.connection !== connection) return
      this.connection = undefined
      this.lost(failure ?? `${this.method} closed its IPC socket`)
    })
  }

  /** The compositor is gone or unreadable: the app is unknown until it answers again. */
  private lost(why: string): void {
    const delay = RECONNECT_DELAYS_MS[this.attempts++]
    this.problem = delay === undefined ? `${why}; gave up after ${RECONNECT_DELAYS_MS.length} retries` : why
    this.events.log(`app tracker: ${this.problem}${delay === undefined ? '' : `; retrying in ${delay / 1000} s`}`)
    if (this.current !== null) {
      clearTimeout(this.firstAnswerTimer)
      this.current = null
      this.events.focused(null)
    }

    if (delay === undefined) return
    this.retryTimer = setTimeout(() => {
      if (!this.stopped) this.connect()
    }, delay)
    this.retryTimer.unref()
  }

  private answer(connection: net.Socket, window: FocusedWindow | null): void {
    if (this.stopped || this.connection !== connection) return
    clearTimeout(this.firstAnswerTimer)
    this.attempts = 0
    this.problem = null
    this.current = window
    this.tell(window)
  }

  private tell(window: FocusedWindow | null): void {
    this.events.focused(window && !this.titles ? {...window, title: null} : window)
  }
}

/** Sway and i3: subscribe to window and workspace events, and ask for the tree once (and after each workspace switch). */
export function swayProtocol(socket: string): FocusProtocol {
  return {
    method: 'sway',
    socket,
    open(connection, report, log) {
      const decoder = new I3Decoder()
      let focused: I3Window | null = null
      const tell = (window: I3Window | null): void => {
        focused = window
        report(window)
      }

      connection.write(encodeI3Message(I3_MESSAGE.subscribe, JSON.stringify(['window', 'workspace'])))
      connection.write(encodeI3Message(I3_MESSAGE.getTree))
      return chunk => {
        for (const message of decoder.push(chunk)) {
          let payload: unknown
          try {
            payload = JSON.parse(message.payload)
          } catch {
            log(`app tracker: skipped a sway message that is not JSON (type ${message.type}, ${message.payload.length} bytes)`)
            continue
          }

          switch (message.type) {
          case I3_EVENT.window: {
            const change = parseWindowEvent(payload)
            if (change.kind === 'focus') tell(change.window)
            else if (change.kind === 'title' && change.window && change.window.id === focused?.id) tell(change.window)
            else if (change.kind === 'closed' && change.id === focused?.id) tell(null)

            break;
          }

          case I3_EVENT.workspace: {
            // Switching to an empty workspace moves focus off every window without a window event.
            if ((payload as {change?: unknown}).change === 'focus') connection.write(encodeI3Message(I3_MESSAGE.getTree))

            break;
          }

          case I3_MESSAGE.getTree: {
            tell(focusedInTree(payload))
            break;
          }
          // No default
          }
        }
      }
    },
  }
}

/** Hyprland: read `activewindow` events from socket2, and ask the request socket who has focus now. */
export function hyprlandProtocol(env: NodeJS.ProcessEnv, socket: string): FocusProtocol {
  return {
    method: 'hyprland',
    socket,
    open(_connection, report, log) {
      const lines = new LineSplitter()
      let heard = false
      let address: null | number = null
      askActiveWindow(hyprlandSocket(env, '.socket.sock')).then(answer => {
        // An event that came first is newer than this answer.
        if (!heard) report({
          id: answer.id ?? 0, app: answer.app, instance: null, title: answer.title,
        })
      }, (error: unknown) => log(`app tracker: hyprland j/activewindow failed (${errorMessage(error)}); app known from the next focus change`))
      return chunk => {
        for (const line of lines.push(chunk.toString('utf8'))) {
          const change = parseHyprlandLine(line)
          if (change?.kind === 'address') address = change.id
          else if (change?.kind === 'active') {
            heard = true
            report(change.app
              ? {
                id: address ?? 0, app: change.app, instance: null, title: change.title,
              }
              : null)
          }
        }
      }
    },
  }
}

/** One request on Hyprland's request socket: it answers and closes. */
function askActiveWindow(socket: string): Promise<ReturnType<typeof parseHyprlandActiveWindow>> {
  return new Promise((resolve, reject) => {
    const connection = net.createConnection({path: socket})
    let text = ''
    connection.setEncoding('utf8')
    connection.setTimeout(FIRST_ANSWER_MS, () => connection.destroy(new Error(`no answer within ${FIRST_ANSWER_MS} ms`)))
    connection.once('connect', () => connection.write('j/activewindow'))
    connection.on('data', (chunk: string) => {
      text += chunk
      if (text.length > MAX_HYPRLAND_LINE) connection.destroy(new Error('answer too long'))
    })
    connection.once('error', reject)
    connection.once('end', () => resolve(parseHyprlandActiveWindow(text)))
  })
}
