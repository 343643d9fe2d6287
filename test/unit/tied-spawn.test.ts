import assert from 'node:assert/strict'
import {spawn} from 'node:child_process'
import {readFileSync} from 'node:fs'
import {describe, test} from 'node:test'

import {spawnTiedToParent} from '../../src/capture/tied-spawn.js'
import {waitFor} from '../helpers/cli.js'

describe('spawnTiedToParent', () => {
  test('runs the command itself (same pid, same output)', async () => {
    const child = spawnTiedToParent('sh', ['-c', 'echo "$$"'], {stdio: ['ignore', 'pipe', 'ignore']})
    let output = ''
    child.stdout!.on('data', chunk => {
      output += chunk
    })
    const code = await new Promise(resolve => {
      child.once('exit', resolve)
    })
    assert.equal(code, 0)
    // setpriv execs the command, so the helper is the child itself: killing child.pid kills it.
    assert.equal(Number(output.trim()), child.pid)
  })

  test('on Linux the helper dies with its parent, even one killed with SIGKILL', {skip: process.platform !== 'linux' && 'PR_SET_PDEATHSIG is Linux only'}, async () => {
    // A parent that starts a long sleep through spawnTiedToParent, says its pid, then waits.
    const script = `
      import {spawnTiedToParent} from ${JSON.stringify(new URL('../../src/capture/tied-spawn.ts', import.meta.url).href)}
      const helper = spawnTiedToParent('sleep', ['600'], {stdio: 'ignore'})
      helper.once('spawn', () => console.log(helper.pid))
      setInterval(() => {}, 1000)
    `
    const parent = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {stdio: ['ignore', 'pipe', 'inherit']})
    const helperPid = await new Promise<number>(resolve => {
      parent.stdout.once('data', chunk => resolve(Number(String(chunk).trim())))
    })
    assert.ok(alive(helperPid), 'the helper runs while its parent does')
    parent.kill('SIGKILL')
    await new Promise(resolve => {
      parent.once('exit', resolve)
    })
    // The kernel sends the helper SIGKILL as its parent dies; without that it would sleep on for 10 minutes.
    try {
      await waitFor(() => !alive(helperPid), `sleep ${helperPid} to die with its parent`, 30_000)
    } finally {
      if (alive(helperPid)) process.kill(helperPid, 'SIGKILL')
    }
  })

  test('a command that is not installed still fails with ENOENT (the caller says "not installed")', async () => {
    const child = spawnTiedToParent('devtrace-no-such-helper', [], {stdio: 'ignore'})
    const error = await new Promise<NodeJS.ErrnoException>(resolve => {
      child.once('error', resolve)
    })
    assert.equal(error.code, 'ENOENT')
  })
})

/** Running and not a zombie (a zombie has exited and only waits to be reaped). */
function alive(pid: number): boolean {
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'))
  } catch {
    return false
  }
}
