import assert from 'node:assert/strict'

import type {Sandbox} from './cli.js'

/** `devtrace status --json` in a sandbox, which must exit 0. */
export async function statusOf(s: Sandbox): Promise<Record<string, unknown>> {
  const result = await s.run(['status', '--json'])
  assert.equal(result.code, 0, result.stderr)
  return JSON.parse(result.stdout) as Record<string, unknown>
}
