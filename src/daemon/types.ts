import type {StatePaths} from '../config/paths.js'
import type {Level} from '../core/level.js'

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

export type {DaemonStatus} from '../ipc/protocol.js'
