import type {StatePaths} from '../config/paths.js'
import type {Level} from '../core/level.js'
import type {AppStatus} from './app-context.js'

export interface DaemonOptions {
  paths: StatePaths
  level: Level
  mouseHz: number
  flushMs: number
  version: string
  /** Also echo the log to stderr (a service manager collects it). */
  echoLog: boolean
}

export interface ReadyInfo {
  pid: number
  level: Level
  sessionId: number
  walMovedTo?: string
  /** When the daemon starts paused (a pause saved before a restart): until when, or null until resumed. */
  pausedUntil?: null | string
}

export interface DaemonStatus extends AppStatus {
  running: true
  pid: number
  started_at: string
  uptime_seconds: number
  level: Level
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
  database: string
  database_bytes: number
  last_write_error: null | string
  wal_moved_to: null | string
  queries_running: number
}
