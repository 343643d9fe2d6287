import assert from 'node:assert/strict'
import {describe, test} from 'node:test'

import type {Status} from '../../src/daemon/control.js'

import {statusText} from '../../src/ui/status-view.js'

/** A running daemon's status as `status` gets it, here recording through evdev. */
function running(changes: Partial<Extract<Status, {running: true}>> = {}): Status {
  return {
    running: true,
    pid: 4242,
    started_at: '2026-01-05T10:00:00.000Z',
    uptime_seconds: 65,
    level: 'standard',
    backend: 'evdev',
    pointer_positions: 'integrated_device_units',
    capture: {devices_open: 2, events_lost: 17},
    mouse_hz: 100,
    paused: false,
    resumes_at: null,
    session_id: 3,
    events_session: 10,
    events_total: 25,
    events: 25,
    queued: 0,
    dropped: 0,
    follow_dropped: 0,
    ignored_while_paused: 0,
    key_repeats_skipped: 0,
    database: '/tmp/devtrace/devtrace.duckdb',
    database_bytes: 4096,
    last_write_error: null,
    wal_moved_to: null,
    queries_running: 0,
    app: null,
    app_excluded: false,
    app_tracking: 'off',
    app_tracking_problem: null,
    excluded_events: 0,
    capture_titles: false,
    panic_hotkey: null,
    ...changes,
  }
}

/** The text's lines as label → value (stdout is no terminal here: no colour). */
function lines(status: Status): Map<string, string> {
  return new Map(statusText(status).split('\n').map(line => {
    const [, label, value] = /^(\S+(?: \S+)?)\s{2,}(.*)$/.exec(line) ?? []
    return [label, value]
  }))
}

describe('status view: the capture backend', () => {
  test('evdev: says positions are integrated device units, and shows the backend\'s counters', () => {
    const text = lines(running())
    assert.equal(text.get('backend'), 'evdev (pointer positions are integrated from relative motion, in device units, not screen pixels)')
    assert.equal(text.get('capture'), '2 devices open, 17 events lost')
  })

  test('hook: the backend alone, and no capture line without counters', () => {
    const text = lines(running({backend: 'hook', pointer_positions: 'screen_pixels', capture: null}))
    assert.equal(text.get('backend'), 'hook')
    assert.equal(text.has('capture'), false)
    assert.equal(text.get('level'), 'standard')
  })
})

describe('status view: a rollup built in the background', () => {
  test('shows how far it has come, and nothing once it is done', () => {
    const building = lines(running({
      rollup_build: {
        events_done: 2_500_000, events_total: 10_000_000, percent: 25, covered_until: '2026-01-12T00:00:00.000Z',
      },
    }))
    assert.equal(building.get('rollup'), 'building in the background: 25% (2,500,000 of 10,000,000 events); summaries meanwhile read raw events, slower but exact')
    assert.equal(lines(running({rollup_build: null})).has('rollup'), false)
  })
})
