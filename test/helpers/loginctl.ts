import {writeFileSync} from 'node:fs'
import path from 'node:path'

/**
 * A stand-in for `loginctl` (this machine runs no logind) that prints the session properties
 * from a file the test flips. Point DEVTRACE_LOGINCTL at `program` and set XDG_SESSION_ID.
 */
export function fakeLoginctl(dir: string): {program: string; set: (state: 'locked' | 'unlocked') => void} {
  const stateFile = path.join(dir, 'session-state')
  const program = path.join(dir, 'loginctl')
  writeFileSync(program, `#!/bin/sh\ncat '${stateFile}'\n`, {mode: 0o755})
  const set = (state: 'locked' | 'unlocked'): void => writeFileSync(stateFile, `Active=yes\nLockedHint=${state === 'locked' ? 'yes' : 'no'}\n`)
  set('unlocked')
  return {program, set}
}
