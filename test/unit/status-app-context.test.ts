import assert from 'node:assert/strict'
import {describe, test} from 'node:test'

import type {Status} from '../../src/daemon/control.js'

import {statusText} from '../../src/ui/status-view.js'

/** A running daemon's status with the app-context fields under test set by `app`. */
function running(app: Partial<Extract<Status, {running: true}>>): Status {
  return {
    running: true, pid: 42, started_at: '2026-12-01T00:00:00Z', uptime_seconds: 60, level: 'standard', mouse_hz: 100,
    paused: false, resumes_at: null, session_id: 1, events_session: 3, events_total: 3, events: 3, queued: 0, dropped: 0,
    follow_dropped: 0, ignored_while_paused: 0, key_repeats_skipped: 0, database: '/tmp/d.duckdb', database_bytes: 1,
    last_write_error: null, wal_moved_to: null, queries_running: 0, app: null, app_excluded: false, app_tracking: 'x11',
    app_tracking_problem: null, app_context: {source: 'x11', available: true, reason: null}, excluded_events: 0,
    capture_titles: false, panic_hotkey: null, ...app,
  }
}

const appLine = (status: Status): string | undefined => statusText(status).split('\n').find(line => line.startsWith('app '))

describe('status: the app-context line', () => {
  test('unavailable: the reason, not a guess', () => {
    const status = running({
      app_tracking: 'none', app_context: {source: 'none', available: false, reason: 'app context unavailable on GNOME Wayland (it needs a compositor extension)'},
    })
    assert.match(appLine(status)!, /^app +not tracked \(app context unavailable on GNOME Wayland \(it needs a compositor extension\)\)$/)
  })

  test('from a compositor: the app and where it came from; when the compositor went away, why it is unknown', () => {
    assert.match(appLine(running({app: 'foot', app_tracking: 'sway', app_context: {source: 'sway', available: true, reason: null}}))!, /^app +foot \(from sway\)$/)
    const gone = running({app_tracking: 'sway', app_context: {source: 'sway', available: false, reason: 'sway closed its IPC socket'}})
    assert.match(appLine(gone)!, /^app +not tracked \(sway closed its IPC socket\)$/)
  })

  test('X11 as before: the app alone; tracking off: no line', () => {
    assert.match(appLine(running({app: 'XTerm'}))!, /^app +XTerm$/)
    assert.equal(appLine(running({app_tracking: 'off'})), undefined)
  })

  test('a daemon of an older version (no app_context) is still shown from app_tracking', () => {
    const old = running({app_tracking: 'none', app_tracking_problem: 'there is no X display'}) as Status & {app_context?: unknown}
    delete old.app_context
    assert.match(appLine(old)!, /^app +not tracked \(there is no X display\)$/)
  })
})
