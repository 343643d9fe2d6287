import assert from 'node:assert/strict'
import {
  after, before, describe, test,
} from 'node:test'

import type {Summary} from '../../src/analysis/summary.js'

import {
  makeSandbox, type Sandbox, waitFor,
} from '../helpers/cli.js'
import {
  activate, openWindow, type Started, startWindowManager, type TestWindow, windowsSkipReason,
} from '../helpers/windows.js'
import {
  e2eSkipReason, startXvfb, type VirtualDisplay, xdotool,
} from '../helpers/xvfb.js'

const skip = e2eSkipReason() || windowsSkipReason()

/**
 * Workflow metrics from real input: typing in two xterms of different classes, in a known order,
 * under a private Xvfb with openbox, gives exact app switches and interruptions.
 */
describe('workflow metrics from typing in two windows', {skip}, () => {
  let x: VirtualDisplay
  let wm: Started
  let alpha: TestWindow
  let beta: TestWindow
  let s: Sandbox

  before(async () => {
    x = await startXvfb()
    wm = await startWindowManager(x.display)
    alpha = await openWindow(x.display, 'xterm', ['-class', 'DevtraceAlpha', '-e', 'sleep', '3600'], 'DevtraceAlpha')
    beta = await openWindow(x.display, 'xterm', ['-class', 'DevtraceBeta', '-e', 'sleep', '3600'], 'DevtraceBeta')
    s = makeSandbox(x.display)
  })

  after(async () => {
    if (s) {
      await s.run(['stop'])
      s.cleanup()
    }

    await alpha?.stop()
    await beta?.stop()
    await wm?.stop()
    await x?.stop()
  })

  async function json<T>(args: string[]): Promise<T> {
    const result = await s.run(args)
    assert.equal(result.code, 0, result.stderr)
    return JSON.parse(result.stdout) as T
  }

  /** Focus a window and wait until the daemon says that app has focus. */
  async function focus(window: TestWindow, app: string): Promise<void> {
    await activate(x.display, window)
    await waitFor(async () => ((await json<{app: null | string}>(['status', '--json'])).app === app ? true : undefined), `the daemon to see ${app} focused`)
  }

  test('alpha, beta, alpha, beta, alpha: 4 switches, 3 interruptions (each return within 2 min), one shortcut', async () => {
    const started = await s.run(['start'])
    assert.equal(started.code, 0, started.stderr)
    await focus(alpha, 'DevtraceAlpha')
    xdotool(x.display, 'type', '--delay', '20', 'abc')
    await focus(beta, 'DevtraceBeta')
    xdotool(x.display, 'type', '--delay', '20', 'de')
    await focus(alpha, 'DevtraceAlpha')
    xdotool(x.display, 'type', '--delay', '20', 'f')
    xdotool(x.display, 'key', 'ctrl+l')
    await focus(beta, 'DevtraceBeta')
    xdotool(x.display, 'type', '--delay', '20', 'g')
    await focus(alpha, 'DevtraceAlpha')
    xdotool(x.display, 'type', '--delay', '20', 'h')
    // Stopping flushes every event to the file, which summarize then reads.
    const stopped = await s.run(['stop'])
    assert.equal(stopped.code, 0, stopped.stderr)
    const summary = await json<Summary>(['summarize', '--json', '--by', 'app'])
    assert.equal(summary.workflow.app_switches, 4)
    assert.equal(summary.workflow.interruptions, 3)
    assert.equal(summary.workflow.shortcuts, 1)
    assert.equal(summary.workflow.shortcuts_per_click, null)
    // Each switch is followed by a key press: four resume times.
    assert.equal(summary.workflow.resume_ms.count, 4)
    assert.equal(typeof summary.workflow.resume_ms.p50, 'number')
    assert.deepEqual(summary.workflow.focus_sessions, {count: 0, median_seconds: null, longest_seconds: null})
    const byApp = Object.fromEntries(summary.groups.map(g => [g.group, g.workflow!]))
    assert.deepEqual(
      [byApp.DevtraceAlpha.switches_in, byApp.DevtraceAlpha.switches_out, byApp.DevtraceAlpha.interruptions, byApp.DevtraceAlpha.shortcuts],
      [2, 2, 2, 1],
    )
    assert.deepEqual([byApp.DevtraceBeta.switches_in, byApp.DevtraceBeta.switches_out, byApp.DevtraceBeta.interruptions], [2, 2, 1])
    const text = await s.run(['summarize'])
    assert.equal(text.code, 0, text.stderr)
    assert.match(text.stdout, /app switches\s+4/)
    assert.match(text.stdout, /interruptions\s+3/)
  })
})
