import type {CaptureBackend} from '../core/capture-backend.js'
import type {EventKind} from '../core/event-kind.js'
import type {Level} from '../core/level.js'
import type {CopyFormat} from '../store/copy-out.js'
import type {QueryParams} from '../store/query-stream.js'

/**
 * The control protocol: newline-delimited JSON over a Unix domain socket (a named pipe on
 * Windows). A client sends one request object a line; the daemon answers with messages that
 * carry the request's id. Unary calls end with `result` or `error`; streams send `rows` or
 * `event` messages and end with `end` or `error`.
 */
export interface Request {
  id: number
  method: string
  params?: Record<string, unknown>
}

export interface WireError {
  message: string
  exitCode?: number
  suggestion?: string
}

interface EndReply {id: number; type: 'end'; summary?: Record<string, unknown>}
interface ErrorReply {id: number; type: 'error'; error: WireError}
interface ResultReply {id: number; type: 'result'; result: unknown}
/** `columns` comes with a stream's first `rows` message only; later ones carry just rows. */
interface RowsReply {id: number; type: 'rows'; columns?: string[]; rows: unknown[]}
interface EventReply {id: number; type: 'event'; event: unknown}

export type Reply = EndReply | ErrorReply | EventReply | ResultReply | RowsReply

/** What `status --json` says about app context and capture-time privacy. */
export interface AppStatus {
  /** The focused app as devtrace sees it (WM_CLASS class); null when none or unknown. */
  app: null | string
  /** An excluded app has focus right now: nothing is being recorded. */
  app_excluded: boolean
  /** How the focused app is found: "x11", "sway", "hyprland", "off", or "none" (see app_tracking_problem). */
  app_tracking: string
  app_tracking_problem: null | string
  /**
   * Where the focused app comes from in this session ("x11", "sway", "hyprland", or "none"),
   * whether it is known now, and why not (e.g. "app context unavailable on GNOME Wayland ...").
   */
  app_context: {source: string; available: boolean; reason: null | string}
  /** Input events not recorded this session because an excluded app had focus. */
  excluded_events: number
  capture_titles: boolean
  /** The chord that toggles pause, or null when off. */
  panic_hotkey: null | string
}

/**
 * What a session's pointer x/y are: screen pixels (the hook), or a position integrated from the
 * devices' relative motion, in device units (evdev: Wayland and consoles expose no pointer position).
 */
export type PointerPositions = 'integrated_device_units' | 'screen_pixels'

/** The running daemon's `status` reply. */
export interface DaemonStatus extends AppStatus {
  running: true
  pid: number
  started_at: string
  uptime_seconds: number
  level: Level
  /** Where input comes from this session (sessions.backend). */
  backend: CaptureBackend
  pointer_positions: PointerPositions
  /** The backend's own counters (evdev: devices open, events lost, …); null when it keeps none (the hook). */
  capture: null | Record<string, number>
  mouse_hz: number
  paused: boolean
  resumes_at: null | string
  session_id: number
  events_session: number
  events_total: number
  queued: number
  dropped: number
  follow_dropped: number
  ignored_while_paused: number
  /** Auto-repeat presses of held keys, not stored (a held key is one press and one release). */
  key_repeats_skipped: number
  /** evdev with a known session state: input discarded while this user's session was locked or not in front. */
  skipped_while_locked?: number
  database: string
  database_bytes: number
  last_write_error: null | string
  wal_moved_to: null | string
  queries_running: number
  /** The daemon building a missing (or emptied) rollup in the background; null when it is not (absent from an older daemon). */
  rollup_build?: null | RollupBuildProgress
  /** Past days being moved into the compact tables (src/store/compaction.ts); null when none are (absent from an older daemon). */
  compaction?: CompactionProgress | null
}

/** How far the daemon's compaction of past days has come, or why it has not started. */
export interface CompactionProgress {
  /** Past days still in the live table. */
  pending_days: number
  /** Days compacted by this run so far. */
  done_days: number
  /** Set when the backlog was not started for lack of disk space: what it needs, in one sentence. */
  waiting_for_space?: string
}

/** How far a rollup build has come (src/analysis/rollup-progress.ts). */
export interface RollupBuildProgress {
  /** Events the rollup already counts (it is committed up to `covered_until`). */
  events_done: number
  /** Events in the table when the build started. */
  events_total: number
  /** Whole percent of events_total done, 0–99 while building. */
  percent: number
  /** Everything before this instant (ISO) is in the rollup; null before the first chunk is committed. */
  covered_until: null | string
}

/** `stop`'s reply: the last status, taken as capture stopped. */
export type FinalStatus = Omit<DaemonStatus, 'running'> & {running: false}

/**
 * The methods that answer once, with the parameters a client sends and the `result` it gets.
 * The daemon still checks what arrives: these types are the contract, not a guarantee about a peer.
 */
export interface UnaryMethods {
  ping: {params: Record<string, never>; result: {pid: number; version: string}}
  status: {params: Record<string, never>; result: DaemonStatus}
  /** Stops capture and answers with the last status, then the daemon exits. */
  stop: {params: Record<string, never>; result: FinalStatus}
  /** `forMs` absent: paused until resumed. */
  pause: {params: {forMs?: number}; result: DaemonStatus}
  resume: {params: Record<string, never>; result: DaemonStatus}
  /** A change to the database (src/operations.ts names them and types their results). */
  operate: {params: {name: string; params: unknown}; result: unknown}
}

/** The methods that answer with a stream of `rows` messages ended by `end`. */
export interface StreamMethods {
  /** A read-only query; `timeoutMs` 0 means no limit. */
  query: {params: {sql: string; params?: QueryParams; timeoutMs: number}}
  /** DuckDB writes the query's result into the client's FIFO; one empty `rows` once it has opened it, `end` with the row count. */
  copy: {params: {sql: string; format: CopyFormat; fifo: string; timeoutMs: number}}
  /** Events as they are captured, until the client goes away or the daemon stops. */
  follow: {params: {kinds?: EventKind[]}}
}

export type UnaryMethod = keyof UnaryMethods
export type StreamMethod = keyof StreamMethods
export type Method = StreamMethod | UnaryMethod
export type MethodParams<M extends Method> = M extends UnaryMethod ? UnaryMethods[M]['params'] : M extends StreamMethod ? StreamMethods[M]['params'] : never
export type MethodResult<M extends UnaryMethod> = UnaryMethods[M]['result']

/** No legitimate request comes near this; a longer line is a broken or hostile peer. */
export const MAX_LINE_BYTES = 1024 * 1024

/**
 * Splits a byte stream into lines, refusing lines longer than the limit. A partial line is kept
 * as its pieces and joined once its newline arrives: re-scanning (and copying) the whole partial
 * line on every chunk would make a 1 MiB line cost ~8 MiB of copies.
 */
export class LineSplitter {
  private parts: string[] = []
  private held = 0

  constructor(private readonly maxBytes = MAX_LINE_BYTES) {}

  /** Characters held of a line not yet terminated. */
  get pending(): number {
    return this.held
  }

  push(chunk: string): string[] {
    const lines: string[] = []
    let start = 0
    for (let newline = chunk.indexOf('\n'); newline !== -1; newline = chunk.indexOf('\n', start)) {
      const piece = chunk.slice(start, newline)
      this.check(this.held + piece.length)
      const line = this.parts.length > 0 ? this.parts.join('') + piece : piece
      this.parts = []
      this.held = 0
      if (line.length > 0) lines.push(line)
      start = newline + 1
    }

    const rest = chunk.slice(start)
    this.check(this.held + rest.length)
    if (rest.length > 0) {
      this.parts.push(rest)
      this.held += rest.length
    }

    return lines
  }

  private check(length: number): void {
    if (length <= this.maxBytes) return
    this.parts = []
    this.held = 0
    throw new Error(`protocol line longer than ${this.maxBytes} bytes`)
  }
}

export function encode(message: Reply | Request): string {
  return JSON.stringify(message) + '\n'
}
