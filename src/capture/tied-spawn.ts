import {
  type ChildProcess, spawn, type SpawnOptions, spawnSync,
} from 'node:child_process'
import {accessSync, constants} from 'node:fs'
import path from 'node:path'

/**
 * Spawn a helper that dies with the daemon. `xprop -spy` runs for as long as focus is tracked
 * and notices a dead reader only when it next writes (the next focus change, maybe hours later),
 * so after a `kill -9` of the daemon it would linger. On Linux the kernel can signal a child when
 * its parent dies (PR_SET_PDEATHSIG); Node cannot set that between fork and exec, so util-linux's
 * `setpriv --pdeathsig KILL` does it and then execs the helper under the same pid. Elsewhere, or
 * without setpriv, the helper is spawned as is (and exits on its next write after the daemon).
 */
export function spawnTiedToParent(command: string, args: readonly string[], options: SpawnOptions): ChildProcess {
  const env = options.env ?? process.env
  if (!canTieToParent(env) || !onPath(command, env)) return spawn(command, args, options)
  return spawn('setpriv', ['--pdeathsig', 'KILL', '--', command, ...args], options)
}

let tieWorks: boolean | undefined

/** Whether `setpriv --pdeathsig` runs here (checked once: a few milliseconds, at the first spawn). */
function canTieToParent(env: NodeJS.ProcessEnv): boolean {
  if (process.platform !== 'linux') return false
  tieWorks ??= spawnSync('setpriv', ['--pdeathsig', 'KILL', '--', 'true'], {env, stdio: 'ignore'}).status === 0
  return tieWorks
}

/**
 * Whether `command` is an executable on PATH. A missing helper is then spawned bare, so the
 * caller still sees ENOENT ("not installed") rather than setpriv's own failure to exec it.
 */
function onPath(command: string, env: NodeJS.ProcessEnv): boolean {
  const folders = command.includes('/') ? [''] : (env.PATH ?? '').split(path.delimiter).filter(Boolean)
  return folders.some(folder => {
    try {
      accessSync(path.join(folder, command), constants.X_OK)
      return true
    } catch {
      return false
    }
  })
}
