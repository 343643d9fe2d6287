import assert from 'node:assert/strict'
import {spawn} from 'node:child_process'
import {
  after, before, describe, test,
} from 'node:test'

import {BIN, makeSandbox, type Sandbox} from '../helpers/cli.js'

const CLEAR = '\r\u001B[K'

/**
 * Run devtrace to the end, however long the loaded machine takes. `terminal`: on a real
 * pseudo-terminal (util-linux `script`), stdout and stderr together in `stdout`, as a person sees them.
 */
function demo(s: Sandbox, args: string[], terminal: boolean): Promise<{code: null | number; stderr: string; stdout: string}> {
  const command = [process.execPath, BIN, ...args].map(part => `'${part}'`).join(' ')
  const [program, programArgs] = terminal ? ['script', ['-qec', command, '/dev/null']] : [process.execPath, [BIN, ...args]]
  return new Promise((resolve, reject) => {
    const child = spawn(program, programArgs, {env: s.env, stdio: ['ignore', 'pipe', 'pipe']})
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', chunk => {
      stdout += chunk
    })
    child.stderr.on('data', chunk => {
      stderr += chunk
    })
    child.once('error', reject)
    child.once('close', code => resolve({code, stderr, stdout}))
  })
}

describe('demo shows what it builds on a terminal', () => {
  let s: Sandbox

  before(() => {
    s = makeSandbox()
  })

  after(() => {
    s?.cleanup()
  })

  test('a progress line (days written, then the report) that is erased before the summary', async () => {
    const result = await demo(s, ['demo', '--days', '2'], true)
    const text = result.stdout
    assert.equal(result.code, 0, text)
    const lines = text.split(CLEAR)
    assert.ok(lines.some(line => /^Writing synthetic input… day [12] of 2 \([\d,]+ events\) \(\d+ s\)$/.test(line)), text)
    const report = lines.findIndex(line => /^Summarising and writing the report… \(\d+ s\)$/.test(line))
    assert.ok(report > 0, text)
    // Erased before the summary is printed.
    assert.match(lines[report + 1], /Demo database/)
  })

  test('nothing but the JSON with --json, even on a terminal', async () => {
    const result = await demo(s, ['demo', '--days', '1', '--json'], true)
    assert.equal(result.code, 0, result.stdout)
    assert.doesNotMatch(result.stdout, /Writing synthetic input|Summarising/)
    assert.equal(result.stdout.includes(CLEAR), false)
    const output = JSON.parse(result.stdout) as {events: number}
    assert.ok(output.events > 0)
  })

  test('nothing on stderr when it is not a terminal', async () => {
    const result = await demo(s, ['demo', '--days', '1'], false)
    assert.equal(result.code, 0, result.stderr)
    assert.equal(result.stderr, '')
    assert.match(result.stdout, /Demo database/)
  })
})
