import type {StatePaths} from '../config/paths.js'
import type {Io} from '../core/io.js'

import {checkAppTracking} from './app-tracking.js'
import {checkCaptureBackend} from './capture-backend.js'
import {type Check} from './check.js'
import {checkConfig} from './config.js'
import {checkDaemon} from './daemon.js'
import {checkDatabase} from './database.js'
import {checkDisk} from './disk.js'
import {checkInputHook} from './input-hook.js'
import {checkModes} from './modes.js'
import {checkPlatform} from './platform.js'
import {checkService} from './service.js'
import {checkSession} from './session.js'

export interface DoctorOptions {
  paths: StatePaths
  /** This devtrace's version, compared with the running daemon's. */
  version: string
  env?: NodeJS.ProcessEnv
}

/** `doctor --json`: `ok` is false when any check failed (and the command exits 1). */
export interface DoctorReport {
  ok: boolean
  checks: Check[]
}

/**
 * Every check, each bounded in time, in the order a person reads them: the machine, capture,
 * the daemon and its data, the folder, login. Only reads: doctor creates, opens for writing and
 * changes nothing (it is what people run when something is already wrong).
 */
export async function doctorRun({paths, version, env = process.env}: DoctorOptions, _io: Io): Promise<DoctorReport> {
  const config = checkConfig(paths.config)
  const [hook, backend, apps, data, disk, service] = await Promise.all([
    checkInputHook(env),
    checkCaptureBackend(config.config.backend, config.config.level, env),
    checkAppTracking(env),
    checkDaemon(paths, version).then(async daemon => [daemon.check, ...await checkDatabase(paths, daemon.presence, config.config.retention_days)]),
    checkDisk(paths.home),
    checkService(env),
  ])
  const checks = [checkPlatform(), checkSession(env), hook, backend, apps, config.check, ...data, disk, checkModes(paths.home), service]
  return {ok: checks.every(check => check.status !== 'fail'), checks}
}
