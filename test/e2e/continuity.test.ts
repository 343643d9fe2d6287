import assert from 'node:assert/strict'
import {describe, test} from 'node:test'

import {usePrivateDisplay} from '../helpers/display-suite.js'
import {statusOf} from '../helpers/status.js'
import {e2eSkipReason} from '../helpers/xvfb.js'

const skip = e2eSkipReason()

describe('continuity: parallel starts, restarts, rewrites', {skip}, () => {
  const x = usePrivateDisplay()
  const {sandbox} = x

  test('eight starts at once: one daemon, every start exits 0 and names its pid', async () => {
    const s = sandbox()
    const results = await Promise.all(Array.from({length: 8}, () => s.run(['start', '--json'])))
    for (const result of results) assert.equal(result.code, 0, `exit ${result.code}: ${result.stderr}`)
    const outputs = results.map(result => JSON.parse(result.stdout) as {pid: number; already_running: boolean})
    const live = await statusOf(s)
    assert.equal(live.running, true)
    assert.deepEqual(new Set(outputs.map(output => output.pid)), new Set([live.pid]))
    assert.equal(outputs.filter(output => !output.already_running).length, 1)
    // Without --json the losers say so in words.
    const again = await Promise.all(Array.from({length: 3}, () => s.run(['start'])))
    for (const result of again) {
      assert.equal(result.code, 0, result.stderr)
      assert.equal(result.stdout.trim(), `devtrace is already running (pid ${live.pid}).`)
    }

    assert.equal((await s.run(['stop'])).code, 0)
  })
})
