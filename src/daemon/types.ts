import type {StatePaths} from '../config/paths.js'
import type {BackendChoice, CaptureBackend} from '../core/capture-backend.js'
import type {Level} from '../core/level.js'

export interface DaemonOptions {
  paths: StatePaths
  level: Level
  /** Where input comes from (`auto` decides at start: src/capture/backend.ts). */
  backend: BackendChoice
  mouseHz: number
  flushMs: number
  version: string
  /** Also echo the log to stderr (a service manager collects it). */
  echoLog: boolean
}

export interface ReadyInfo {
  pid: number
  level: Level
  backend: CaptureBackend
  sessionId: number
  walMovedTo?: string
  /** When the daemon starts paused (a pause saved before a restart): until when, or null until resumed. */
  pausedUntil?: null | string
}

export type {DaemonStatus} from '../ipc/protocol.js'
