import {type ChildProcess, spawn, spawnSync} from 'node:child_process'
import {
  chmodSync, existsSync, mkdirSync, mkdtempSync, rmdirSync, rmSync,
} from 'node:fs'
import os from 'node:os'
import path from 'node:path'

import {sleep} from './cli.js'

export const SYSTEMD = '/lib/systemd/systemd'
const MARKER = '/run/systemd/system'

/** Why the systemd e2e cannot run here, or false. Under CI it must run: a missing piece fails. */
export function userManagerSkipReason(): false | string {
  const missing: string[] = []
  if (!existsSync(SYSTEMD)) missing.push(SYSTEMD)
  if (spawnSync('sh', ['-c', 'command -v systemctl']).status !== 0) missing.push('systemctl')
  // The marker folder sd_booted() checks: only root may create it where it is missing.
  if (!existsSync(MARKER) && process.getuid?.() !== 0) missing.push(`${MARKER} (root creates it)`)
  if (missing.length === 0) return false
  if (process.env.CI) throw new Error(`CI=true but ${missing.join(', ')} missing: .ci/run must install systemd and run as root`)
  return `needs a private systemd user manager: ${missing.join(', ')}`
}

/** A private systemd user manager: its own runtime folder, HOME and config, touching nothing of the real user's. */
export interface UserManager {
  /** XDG_RUNTIME_DIR, HOME and XDG_CONFIG_HOME that reach this manager; add to every process that talks to it. */
  env: NodeJS.ProcessEnv
  home: string
  systemctl(...args: string[]): {status: null | number; stdout: string; stderr: string}
  stop(): Promise<void>
}

/**
 * Start `/lib/systemd/systemd --user` with a private XDG_RUNTIME_DIR (0700), creating the marker
 * folder /run/systemd/system when missing (removed again by stop() only if created here), and
 * return once `systemctl --user` answers. The manager gets no DISPLAY: `service install` must
 * hand it over.
 */
export async function startUserManager(): Promise<UserManager> {
  const runtime = mkdtempSync(path.join(os.tmpdir(), 'devtrace-runtime-'))
  chmodSync(runtime, 0o700)
  const home = mkdtempSync(path.join(os.tmpdir(), 'devtrace-user-'))
  const createdMarker = !existsSync(MARKER)
  if (createdMarker) mkdirSync(MARKER, {recursive: true})
  const env: NodeJS.ProcessEnv = {
    HOME: home, XDG_RUNTIME_DIR: runtime, XDG_CONFIG_HOME: path.join(home, '.config'), PATH: process.env.PATH, LANG: 'C.UTF-8',
  }
  const child: ChildProcess = spawn(SYSTEMD, ['--user'], {env, stdio: ['ignore', 'ignore', 'pipe']})
  let log = ''
  child.stderr!.on('data', (chunk: Buffer) => {
    log += chunk.toString()
  })
  let exited = false
  const gone = new Promise<void>(resolve => {
    child.once('exit', () => {
      exited = true
      resolve()
    })
  })
  const systemctl = (...args: string[]): {status: null | number; stdout: string; stderr: string} => {
    const result = spawnSync('systemctl', ['--user', ...args], {env: {...process.env, ...env}, encoding: 'utf8'})
    return {status: result.status, stdout: result.stdout, stderr: result.stderr}
  }

  const stop = async (): Promise<void> => {
    if (!exited) {
      child.kill('SIGTERM')
      await gone
    }

    rmSync(runtime, {force: true, recursive: true})
    rmSync(home, {force: true, recursive: true})
    if (createdMarker) rmdirSync(MARKER)
  }

  // Up once the manager answers; a manager that exits instead fails the suite with its log.
  for (;;) {
    if (exited) {
      await stop()
      throw new Error(`systemd --user exited at start: ${log}`)
    }

    const answer = systemctl('is-system-running').stdout.trim()
    if (['degraded', 'running'].includes(answer)) break
    await sleep(100)
  }

  return {
    env, home, systemctl, stop,
  }
}
