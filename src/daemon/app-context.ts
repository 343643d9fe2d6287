import type {DuckDBConnection} from '@duckdb/node-api'

import type {AppState, Recorder} from '../capture/recorder.js'
import type {Config} from '../config/config.js'
import type {StatePaths} from '../config/paths.js'
import type {Level} from '../core/level.js'
import type {AppStatus} from '../ipc/protocol.js'

import {type AppMatcher, compileAppPatterns} from '../capture/app-match.js'
import {type AppSource, detectAppSource} from '../capture/app-source.js'
import {
  type AppTracker, type AppTrackerEvents, type FocusedWindow, LOOKUP_TIMEOUT_MS, NoAppTracker, X11AppTracker,
} from '../capture/app-tracker.js'
import {CompositorAppTracker, hyprlandProtocol, swayProtocol} from '../capture/compositor-tracker.js'
import {nowMicros} from '../capture/hook.js'
import {type Chord, parseChord} from '../capture/hotkey.js'
import {errorMessage} from '../core/errors.js'

export type {AppStatus} from '../ipc/protocol.js'

interface WindowRow {
  tsMicros: number
  app: null | string
  title: null | string
}

export interface AppContextOptions {
  recorder: Recorder
  level: Level
  paths: StatePaths
  sessionId: number
  /** config.json as the daemon read it at start (src/config/read-config.ts); changes come through reload(). */
  config: Config
  log: (line: string) => void
  env?: NodeJS.ProcessEnv
}

/**
 * The daemon's side of app context: follows the focused app from the source this session offers
 * (src/capture/app-source.ts: xprop on X11, Sway's or Hyprland's socket on Wayland), tells
 * the recorder what to stamp on events and whether to record at all (`exclude_apps`), keeps the
 * panic hotkey, records window titles when asked, and applies changes to config.json live
 * (`reload`, called by the daemon's config watch in src/daemon/scheduler.ts).
 *
 * `DEVTRACE_APP_TRACKING=off` (undocumented, for bench/apps.ts) runs without a tracker.
 */
export class AppContext {
  private tracker: AppTracker | undefined
  private matcher: AppMatcher = () => false
  private chord: Chord | null = null
  private config: Config
  private window: FocusedWindow | null = null
  private rows: WindowRow[] = []
  private lastRow: undefined | WindowRow
  private writing: Promise<void> | undefined
  private readonly trackingOff: boolean
  /** Decided once: the session's kind and compositor do not change while the daemon runs. */
  private readonly source: AppSource

  constructor(private readonly options: AppContextOptions) {
    this.config = options.config
    const env = options.env ?? process.env
    this.trackingOff = /^(0|off|false|no)$/i.test(env.DEVTRACE_APP_TRACKING ?? '')
    this.source = detectAppSource(env)
  }

  /** Titles are stored only when asked for, and never at level minimal (time and kind only). */
  private get titlesOn(): boolean {
    return this.config.capture_titles && this.options.level !== 'minimal'
  }

  start(): void {
    this.apply(this.config, false)
  }

  /** config.json changed: apply it now, and log which of these settings changed. */
  reload(config: Config): void {
    this.apply(config, true)
  }

  /**
   * At shutdown: give a lookup in flight its answer (events waiting for it are then recorded or
   * excluded as they should be), release modifiers held back for the hotkey, stop tracking.
   */
  async stop(): Promise<void> {
    const {recorder} = this.options
    const deadline = Date.now() + LOOKUP_TIMEOUT_MS
    while (recorder.appPending && this.tracker && Date.now() < deadline) {
      await new Promise(resolve => {
        setTimeout(resolve, 10)
      })
    }

    this.tracker?.stop()
    this.tracker = undefined
    if (recorder.appPending) this.unnamed()
    recorder.releaseHeld()
  }

  status(): AppStatus {
    const {recorder} = this.options
    return {
      app: this.window?.app ?? null,
      app_excluded: recorder.currentApp.excluded,
      app_tracking: this.trackingOff ? 'off' : (this.tracker?.method ?? 'off'),
      app_tracking_problem: this.tracker?.problem ?? null,
      app_context: this.context(),
      excluded_events: recorder.excluded,
      capture_titles: this.titlesOn,
      panic_hotkey: this.chord?.text ?? null,
    }
  }

  /** Where the focused app comes from and whether it can be known now (a compositor may have gone away). */
  private context(): AppStatus['app_context'] {
    const problem = this.source.reason ?? this.tracker?.problem ?? null
    return {source: this.source.source, available: problem === null, reason: problem}
  }

  /** Write window-title rows gathered since the last call (on the flush timer; titles are rare). */
  writeWindows(store: {connect(): Promise<DuckDBConnection>}): void {
    if (this.rows.length === 0 || this.writing) return
    const {rows} = this
    this.rows = []
    this.writing = insertWindows(store, this.options.sessionId, rows)
    .catch((error: unknown) => {
      // Offline or failing: keep them for the next flush.
      this.rows = [...rows, ...this.rows]
      this.options.log(`window titles not written yet: ${errorMessage(error)}`)
    })
    .finally(() => {
      this.writing = undefined
    })
  }

  /** Write every row gathered so far, waiting for a write in progress (at shutdown). */
  async writeAllWindows(store: {connect(): Promise<DuckDBConnection>}): Promise<void> {
    await this.writing
    this.writeWindows(store)
    await this.writing
  }

  private apply(config: Config, reloaded: boolean): void {
    const {log, recorder} = this.options
    const before = this.config
    this.config = config
    this.matcher = compileAppPatterns(config.exclude_apps)
    this.chord = parseChord(config.panic_hotkey)
    recorder.setHotkey(this.chord, paused => {
      // Called from the hook callback: no file I/O there.
      setImmediate(() => log(paused ? 'paused (panic hotkey)' : 'resumed (panic hotkey)'))
    })
    if (!this.titlesOn) this.lastRow = undefined
    this.ensureTracker()
    this.tracker?.setTitles(this.titlesOn)
    // The focused app may have become excluded (or no longer be). During a lookup the answer does that.
    if (this.tracker && !recorder.appPending) recorder.setApp(this.stateOf(this.window))
    if (reloaded) {
      const changed = (['exclude_apps', 'capture_titles', 'panic_hotkey'] as const)
      .filter(key => JSON.stringify(before[key]) !== JSON.stringify(config[key]))
      if (changed.length > 0) log(`settings reloaded: ${changed.join(', ')} (${config.exclude_apps.length} excluded apps, titles ${this.titlesOn ? 'on' : 'off'})`)
      // start refuses this combination; set while running, it can only be said loudly in the log (and status shows why).
      if (changed.includes('exclude_apps') && config.exclude_apps.length > 0 && !this.source.available) {
        log(`exclude_apps cannot be honoured: ${this.source.reason}; those apps are recorded too (use devtrace pause)`)
      }
    }
  }

  /** Track focus when anything needs it: app names (standard, full), exclusions, titles. */
  private ensureTracker(): void {
    const needed = !this.trackingOff && (this.options.level !== 'minimal' || this.config.exclude_apps.length > 0)
    if (needed && !this.tracker) {
      this.tracker = this.createTracker({
        changing: () => this.options.recorder.appChanging(),
        focused: window => this.focused(window),
        unnamed: () => this.unnamed(),
        log: this.options.log,
      })
      this.tracker.start()
      if (this.tracker.problem) this.options.log(`app tracking unavailable: ${this.tracker.problem}`)
    } else if (!needed && this.tracker) {
      this.tracker.stop()
      this.tracker = undefined
      this.window = null
      this.options.recorder.setApp({app: null, excluded: false})
    }
  }

  private createTracker(events: AppTrackerEvents): AppTracker {
    const {source, socket} = this.source
    const titles = {titles: this.titlesOn}
    switch (source) {
    case 'hyprland': {
      return new CompositorAppTracker(hyprlandProtocol(this.options.env ?? process.env, socket!), events, titles)
    }

    case 'sway': {
      return new CompositorAppTracker(swayProtocol(socket!), events, titles)
    }

    case 'x11': {
      return new X11AppTracker(events, {...titles, env: this.options.env ?? process.env})
    }

    default: {
      return new NoAppTracker(this.source.reason ?? 'the focused app cannot be known here')
    }
    }
  }

  /** Events that waited for a window never named: unknown app, and never recorded past an exclusion list. */
  private unnamed(): void {
    this.options.recorder.setApp({app: null, excluded: this.config.exclude_apps.length > 0})
  }

  private stateOf(window: FocusedWindow | null): AppState {
    return {
      app: this.options.level === 'minimal' ? null : (window?.app ?? null),
      excluded: window ? this.matcher({app: window.app, instance: window.instance}) : false,
    }
  }

  private focused(window: FocusedWindow | null): void {
    this.window = window
    const {app, excluded} = this.stateOf(window)
    this.options.recorder.setApp({app, excluded})
    // An excluded app leaves no trace at all, not even when it had focus. Moments with no window
    // focused (window managers pass through "none" on every switch) are not rows either.
    if (!this.titlesOn || excluded || !window) return
    const row: WindowRow = {tsMicros: nowMicros(), app, title: window?.title ?? null}
    if (this.lastRow && this.lastRow.app === row.app && this.lastRow.title === row.title) return
    this.lastRow = row
    this.rows.push(row)
  }
}

async function insertWindows(store: {connect(): Promise<DuckDBConnection>}, sessionId: number, rows: WindowRow[]): Promise<void> {
  const connection = await store.connect()
  try {
    const values: string[] = []
    const params: Record<string, bigint | null | number | string> = {session: sessionId}
    for (const [i, row] of rows.entries()) {
      values.push(`(make_timestamp($t${i}::BIGINT), $session::INTEGER, $a${i}::VARCHAR, $n${i}::VARCHAR)`)
      params[`t${i}`] = BigInt(row.tsMicros)
      params[`a${i}`] = row.app
      params[`n${i}`] = row.title
    }

    await connection.run(`INSERT INTO windows VALUES ${values.join(', ')}`, params)
  } finally {
    connection.closeSync()
  }
}
