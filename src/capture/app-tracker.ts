import {type ChildProcess, type SpawnOptions} from 'node:child_process'
import {createInterface} from 'node:readline'

import {errorMessage} from '../core/errors.js'
import {spawnTiedToParent} from './tied-spawn.js'
import {
  applyWindowProperty, parseXpropLine, type WindowProperties, type XpropLine,
} from './xprop.js'

/**
 * Which application has focus, so each event can carry its `app` and excluded apps record nothing.
 *
 * On X11 (and XWayland) we run `xprop` ourselves, event-driven rather than polled:
 *
 * - `xprop -root -spy _NET_ACTIVE_WINDOW` is one long-lived process that prints a line each time
 *   the window manager moves focus. It costs nothing while focus stays put (no timer, no poll),
 *   and a focus change is seen within milliseconds instead of up to a second later, which
 *   matters for exclusions: with a 1 Hz poll, the first second of typing into an excluded
 *   password manager would be recorded under the previous app.
 * - On each focus change to a window not seen before, `xprop -id WIN WM_CLASS` (one short
 *   process, a few ms) names the app by its WM_CLASS class, which every X client sets. The
 *   answer is kept while the window exists: the same spy also follows _NET_CLIENT_LIST (the
 *   window manager's list of windows), and a window that leaves it is forgotten before X can
 *   reuse its id, so switching among open windows costs no process at all. With `capture_titles` on, it is
 *   `xprop -id WIN -spy WM_CLASS _NET_WM_NAME WM_NAME` instead, kept running while that window
 *   has focus, so title changes (another tab, another file) are seen too. With titles off the
 *   title is never even asked for.
 *
 * Not `get-windows`: it spawns xprop twice per call and must be polled, and it needs the
 * window's _NET_WM_PID, so for plain X clients without one (xlogo, xmessage, many older
 * apps) it throws "Failed to parse process ID" and the app is unknown exactly where WM_CLASS
 * answers. Not `@miniben90/x-win`: it returned nothing under Xvfb. A native X11 client in JS
 * would avoid the processes, but xprop is in x11-utils on any X desktop and a focus change a
 * few times a minute costs one short process.
 *
 * Failures never stop capture: without xprop, without a window manager that sets
 * _NET_ACTIVE_WINDOW, or when a lookup fails, the app is null (unknown) and capture goes on.
 */

export interface FocusedWindow extends WindowProperties {
  id: number
}

export interface AppTrackerEvents {
  /** Focus moved; who has it is being looked up (events wait for the answer, briefly). */
  changing(): void
  /** Who has focus now: null when nobody does or it cannot be known. Again when the title changes. */
  focused(window: FocusedWindow | null): void
  /**
   * Focus moved on before the last window was named: events that waited for that name belong
   * to a window we will never know (it may have been an excluded app). Called before the next
   * `changing` or `focused`.
   */
  unnamed(): void
  log(line: string): void
}

export interface AppTracker {
  /** How focus is tracked here ("x11", "sway", "hyprland"), or "none". */
  readonly method: string
  /** Why the app cannot be known, when it cannot; null while tracking works. */
  readonly problem: null | string
  start(): void
  setTitles(on: boolean): void
  stop(): void
}

/** Longest we let events wait for the name of a newly focused window. */
export const LOOKUP_TIMEOUT_MS = 1000
const RESTART_DELAYS_MS = [1000, 2000, 5000, 10_000, 30_000]
/** Window classes remembered at most (windows open at once; far more than anyone has). */
const MAX_KNOWN_WINDOWS = 1024

export type SpawnProcess = (command: string, args: string[], options: SpawnOptions) => ChildProcess

/** Where the focused app cannot be known (see app-source.ts): events carry no app, and `problem` says why. */
export class NoAppTracker implements AppTracker {
  readonly method = 'none'

  constructor(readonly problem: string) {}

  start(): void {}

  setTitles(): void {}

  stop(): void {}
}

/** xprop gets a UTF-8 locale so titles arrive as text; where there is none, it escapes bytes (parsed too). */
function xpropEnv(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return {...env, LC_ALL: 'C.UTF-8'}
}

export class X11AppTracker implements AppTracker {
  readonly method = 'x11'
  problem: null | string = null
  private root: ChildProcess | undefined
  private window: ChildProcess | undefined
  /** Bumped on every focus change; answers for an older window are ignored. */
  private generation = 0
  private activeId: null | number | undefined
  private stopped = false
  private restarts = 0
  private restartTimer: NodeJS.Timeout | undefined
  private lookupTimer: NodeJS.Timeout | undefined
  /** A lookup is in flight and events wait for it. */
  private naming = false
  /** The window manager's windows (_NET_CLIENT_LIST); null until known or when it has none. */
  private clients: null | Set<number> = null
  /** WM_CLASS of windows in `clients`, so focusing them again needs no lookup. */
  private readonly known = new Map<number, Pick<WindowProperties, 'app' | 'instance'>>()
  private titles: boolean
  private readonly env: NodeJS.ProcessEnv
  private readonly spawnProcess: SpawnProcess
  /** xprop processes started (for tests and the bench). */
  spawned = 0

  constructor(
    private readonly events: AppTrackerEvents,
    options: {titles: boolean; env: NodeJS.ProcessEnv; spawnProcess?: SpawnProcess},
  ) {
    this.titles = options.titles
    this.env = options.env
    this.spawnProcess = options.spawnProcess ?? spawnTiedToParent
  }

  start(): void {
    this.stopped = false
    this.events.changing()
    this.spawnRoot()
    // Until the first answer events wait; never longer than a lookup may take.
    this.lookupTimer = setTimeout(() => {
      if (this.activeId !== undefined) return
      this.events.log(`no answer from xprop -root within ${LOOKUP_TIMEOUT_MS} ms; app unknown for now`)
      this.events.focused(null)
    }, LOOKUP_TIMEOUT_MS)
    this.lookupTimer.unref()
  }

  setTitles(on: boolean): void {
    if (on === this.titles) return
    this.titles = on
    // Look the focused window up again, with or without its title.
    if (this.activeId) this.lookup(this.activeId)
  }

  stop(): void {
    this.stopped = true
    clearTimeout(this.restartTimer)
    clearTimeout(this.lookupTimer)
    this.generation++
    kill(this.root)
    kill(this.window)
    this.root = undefined
    this.window = undefined
  }

  private spawnRoot(): void {
    const child = this.spawnXprop(['-root', '-spy', '_NET_ACTIVE_WINDOW', '_NET_CLIENT_LIST'], line => {
      if (line.name === '_NET_CLIENT_LIST') {
        this.clientList(line.missing ? null : (line.windows ?? []))
        return
      }

      if (line.name !== '_NET_ACTIVE_WINDOW') return
      this.restarts = 0
      this.problem = null
      this.activeWindow(line.missing ? null : (line.window ?? null))
    })
    if (!child) return
    this.root = child
    child.once('exit', (code, signal) => {
      if (this.stopped || this.root !== child) return
      this.root = undefined
      this.fail(`xprop -root -spy exited (${signal ?? `code ${code}`})`)
      // The X server is still there (the hook would have died otherwise): try again, slower each time.
      const delay = RESTART_DELAYS_MS[Math.min(this.restarts++, RESTART_DELAYS_MS.length - 1)]
      this.restartTimer = setTimeout(() => {
        if (!this.stopped) this.spawnRoot()
      }, delay)
      this.restartTimer.unref()
    })
  }

  /** Forget the class of every window that is gone: X may give its id to a new window later. */
  private clientList(ids: null | number[]): void {
    this.clients = ids === null ? null : new Set(ids)
    for (const id of this.known.keys()) {
      if (!this.clients?.has(id)) this.known.delete(id)
    }
  }

  private activeWindow(id: null | number): void {
    if (id === this.activeId) return // the window manager repeats itself
    this.activeId = id
    if (id === null) {
      this.generation++
      clearTimeout(this.lookupTimer)
      kill(this.window)
      this.window = undefined
      this.abandon()
      this.events.focused(null)
      return
    }

    this.lookup(id)
  }

  /** Name the window `id`: events wait (see LOOKUP_TIMEOUT_MS) until we know it. */
  private lookup(id: number): void {
    const generation = ++this.generation
    clearTimeout(this.lookupTimer)
    kill(this.window)
    this.window = undefined
    this.abandon()
    const known = this.titles ? undefined : this.known.get(id)
    if (known) {
      this.events.focused({id, ...known, title: null})
      return
    }

    this.naming = true
    this.events.changing()

    const names = this.titles ? ['WM_CLASS', '_NET_WM_NAME', 'WM_NAME'] : ['WM_CLASS']
    const properties: WindowProperties & {netName?: null | string; wmName?: null | string} = {instance: null, app: null, title: null}
    const seen = new Set<string>()
    let resolved = false
    let lastTitle: null | string = null
    const resolve = (): void => {
      if (generation !== this.generation) return
      clearTimeout(this.lookupTimer)
      resolved = true
      this.naming = false
      lastTitle = properties.title
      this.remember(id, properties)
      this.events.focused({
        id, instance: properties.instance, app: properties.app, title: this.titles ? properties.title : null,
      })
    }

    const args = ['-id', `0x${id.toString(16)}`, ...(this.titles ? ['-spy'] : []), ...names]
    const child = this.spawnXprop(args, line => {
      if (generation !== this.generation || !applyWindowProperty(properties, line)) return
      seen.add(line.name)
      if (!resolved && seen.size === names.length) resolve()
      else if (resolved && this.titles && properties.title !== lastTitle) resolve() // the title changed
    })
    if (!child) {
      resolve()
      return
    }

    this.window = child
    // A window that vanished (BadWindow) or an xprop that never answers: the app is unknown.
    child.once('exit', () => {
      if (generation === this.generation && !resolved) resolve()
    })
    this.lookupTimer = setTimeout(() => {
      if (resolved || generation !== this.generation) return
      this.events.log(`app lookup for window 0x${id.toString(16)} took over ${LOOKUP_TIMEOUT_MS} ms; app unknown`)
      resolve()
    }, LOOKUP_TIMEOUT_MS)
    this.lookupTimer.unref()
  }

  private abandon(): void {
    if (!this.naming) return
    this.naming = false
    this.events.unnamed()
  }

  /** Keep a window's class while the window manager lists it (a class not set yet is not kept). */
  private remember(id: number, properties: WindowProperties): void {
    if (!properties.app || !this.clients?.has(id)) return
    if (this.known.size >= MAX_KNOWN_WINDOWS) this.known.delete(this.known.keys().next().value!)
    this.known.set(id, {app: properties.app, instance: properties.instance})
  }

  private spawnXprop(args: string[], onLine: (line: XpropLine) => void): ChildProcess | undefined {
    let child: ChildProcess
    try {
      this.spawned++
      child = this.spawnProcess('xprop', args, {env: xpropEnv(this.env), stdio: ['ignore', 'pipe', 'pipe']})
    } catch (error) {
      this.fail(`cannot run xprop: ${errorMessage(error)}`)
      return undefined
    }

    child.once('error', error => {
      const missing = (error as NodeJS.ErrnoException).code === 'ENOENT'
      this.fail(missing ? 'xprop is not installed (Debian/Ubuntu: apt-get install x11-utils); apps are not named' : `xprop failed: ${error.message}`)
    })
    const lines = createInterface({input: child.stdout!, crlfDelay: Infinity})
    lines.on('line', text => {
      try {
        const line = parseXpropLine(text)
        if (line) onLine(line)
      } catch (error) {
        this.events.log(`app tracker: ${errorMessage(error)}`)
      }
    })
    // Errors such as BadWindow (the window closed meanwhile) are expected; drain and ignore them.
    child.stderr!.resume()
    child.unref()
    return child
  }

  private fail(problem: string): void {
    if (this.problem !== problem) this.events.log(`app tracker: ${problem}`)
    this.problem = problem
    this.naming = false
    if (this.activeId !== null) {
      this.activeId = null
      this.generation++
      this.events.focused(null)
    }
  }
}

function kill(child: ChildProcess | undefined): void {
  if (child && child.exitCode === null && child.signalCode === null) child.kill()
}
