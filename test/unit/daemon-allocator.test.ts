import assert from 'node:assert/strict'
import {spawnSync} from 'node:child_process'
import {describe, it} from 'node:test'

import {DAEMON_ALLOCATOR_CONF, tuneDaemonAllocator} from '../../src/store/daemon-memory.js'

/** stderr of a Node process that loads DuckDB with this allocator setting and makes it allocate. */
function duckdbStderr(conf: string): string {
  const script = "const {DuckDBInstance} = require('@duckdb/node-api'); DuckDBInstance.create(':memory:').then(i => i.connect()).then(c => c.run('SELECT sum(range) FROM range(100000)'))"
  const result = spawnSync(process.execPath, ['-e', script], {env: {...process.env, DUCKDB_JE_MALLOC_CONF: conf}, encoding: 'utf8'})
  assert.equal(result.status, 0, result.stderr)
  return result.stderr
}

describe('the daemon allocator setting', () => {
  it('is set when the environment has none', () => {
    const env: NodeJS.ProcessEnv = {}
    tuneDaemonAllocator(env)
    assert.equal(env.DUCKDB_JE_MALLOC_CONF, DAEMON_ALLOCATOR_CONF)
  })

  it('leaves a value the user set alone', () => {
    const env: NodeJS.ProcessEnv = {DUCKDB_JE_MALLOC_CONF: 'dirty_decay_ms:5000'}
    tuneDaemonAllocator(env)
    assert.equal(env.DUCKDB_JE_MALLOC_CONF, 'dirty_decay_ms:5000')
  })

  it("is read and accepted by DuckDB's allocator", () => {
    // jemalloc names every pair it cannot apply on stderr: a bad one shows the check can fail.
    assert.match(duckdbStderr('no_such_option:1'), /Invalid conf pair: no_such_option:1/)
    assert.doesNotMatch(duckdbStderr(DAEMON_ALLOCATOR_CONF), /jemalloc|Invalid conf/)
  })
})
