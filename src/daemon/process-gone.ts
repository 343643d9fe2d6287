import {readFileSync} from 'node:fs'

/**
 * True once process `pid` has exited. A zombie counts as gone: it holds no files (the database
 * lock is released) and on some machines nothing reaps it for a while, so `kill(pid, 0)` alone
 * would call it alive.
 */
export function processGone(pid: number): boolean {
  try {
    process.kill(pid, 0)
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ESRCH'
  }

  if (process.platform !== 'linux') return false
  try {
    // /proc/<pid>/stat: "pid (comm) state …"; comm may hold spaces or parentheses, state follows the last ")".
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3)
    return state === 'Z' || state === 'X'
  } catch {
    return true
  }
}

/** Poll until `pid` is gone or `ms` have passed; true when it is gone. */
export async function waitGone(pid: number, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms
  while (!processGone(pid)) {
    if (Date.now() >= deadline) return false
    await new Promise(resolve => {
      setTimeout(resolve, 50)
    })
  }

  return true
}
