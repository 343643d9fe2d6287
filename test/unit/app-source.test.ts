import assert from 'node:assert/strict'
import {
  mkdirSync, mkdtempSync, rmSync, writeFileSync,
} from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import {describe, test} from 'node:test'

import {desktopName, detectAppSource, hyprlandSocket} from '../../src/capture/app-source.js'
import {checkAppFilter} from '../../src/daemon/app-filter.js'

describe('detectAppSource: where the focused app comes from', () => {
  test('an X11 session uses xprop, even when i3 (I3SOCK) or a stray WAYLAND_DISPLAY is around', () => {
    assert.deepEqual(detectAppSource({DISPLAY: ':0'}, 'linux'), {source: 'x11', available: true, reason: null})
    assert.equal(detectAppSource({DISPLAY: ':0', I3SOCK: '/run/i3.sock', XDG_SESSION_TYPE: 'x11'}, 'linux').source, 'x11')
    assert.equal(detectAppSource({DISPLAY: ':0', WAYLAND_DISPLAY: 'wayland-0', XDG_SESSION_TYPE: 'x11'}, 'freebsd').source, 'x11')
  })

  test('Sway (SWAYSOCK, or I3SOCK) in a Wayland session, with XWayland DISPLAY set too', () => {
    const env = {XDG_SESSION_TYPE: 'wayland', DISPLAY: ':1', SWAYSOCK: '/run/user/1000/sway-ipc.1000.42.sock'}
    assert.deepEqual(detectAppSource(env, 'linux'), {
      source: 'sway', available: true, reason: null, socket: '/run/user/1000/sway-ipc.1000.42.sock',
    })
    assert.equal(detectAppSource({WAYLAND_DISPLAY: 'wayland-1', I3SOCK: '/tmp/i3.sock'}, 'linux').socket, '/tmp/i3.sock')
  })

  test('Hyprland: the event socket under XDG_RUNTIME_DIR, else the pre-0.40 place in /tmp', () => {
    const runtime = mkdtempSync(path.join(os.tmpdir(), 'devtrace-hypr-'))
    try {
      const env = {WAYLAND_DISPLAY: 'wayland-1', HYPRLAND_INSTANCE_SIGNATURE: 'abc_1_2', XDG_RUNTIME_DIR: runtime}
      const expected = path.join(runtime, 'hypr', 'abc_1_2', '.socket2.sock')
      // Neither exists yet: the current place, so that the tracker names it when it is missing.
      assert.deepEqual(detectAppSource(env, 'linux'), {
        source: 'hyprland', available: true, reason: null, socket: expected,
      })
      mkdirSync(path.dirname(expected), {recursive: true})
      writeFileSync(path.join(path.dirname(expected), '.socket.sock'), '')
      assert.equal(hyprlandSocket(env, '.socket.sock'), path.join(runtime, 'hypr', 'abc_1_2', '.socket.sock'))
      assert.equal(hyprlandSocket({HYPRLAND_INSTANCE_SIGNATURE: 'abc_1_2'}, '.socket2.sock'), '/tmp/hypr/abc_1_2/.socket2.sock')
    } finally {
      rmSync(runtime, {recursive: true, force: true})
    }
  })

  test('GNOME and KDE on Wayland: unavailable, and the desktop is named instead of guessing from XWayland', () => {
    const gnome = detectAppSource({
      XDG_SESSION_TYPE: 'wayland', WAYLAND_DISPLAY: 'wayland-0', DISPLAY: ':0', XDG_CURRENT_DESKTOP: 'ubuntu:GNOME',
    }, 'linux')
    assert.equal(gnome.source, 'none')
    assert.equal(gnome.available, false)
    assert.match(gnome.reason!, /^app context unavailable on GNOME Wayland \(it needs a compositor extension\)$/)
    assert.match(detectAppSource({WAYLAND_DISPLAY: 'wayland-0', XDG_CURRENT_DESKTOP: 'KDE'}, 'linux').reason!, /^app context unavailable on KDE Wayland/)
    assert.equal(detectAppSource({WAYLAND_DISPLAY: 'wayland-0', XDG_CURRENT_DESKTOP: 'river'}, 'linux').reason, 'app context unavailable on river Wayland')
    assert.equal(detectAppSource({WAYLAND_DISPLAY: 'wayland-0'}, 'linux').reason, 'app context unavailable on this Wayland')
  })

  test('a console (no display at all), macOS and Windows: unavailable, with the reason', () => {
    assert.deepEqual(detectAppSource({}, 'linux'), {source: 'none', available: false, reason: 'app context unavailable without a display (console session)'})
    assert.equal(detectAppSource({DISPLAY: ':0'}, 'darwin').reason, 'app context is not available on darwin yet')
    assert.equal(detectAppSource({}, 'win32').available, false)
  })

  test('desktopName picks GNOME or KDE out of a list, else the last name', () => {
    assert.equal(desktopName({XDG_CURRENT_DESKTOP: 'ubuntu:GNOME'}), 'GNOME')
    assert.equal(desktopName({XDG_CURRENT_DESKTOP: 'KDE'}), 'KDE')
    assert.equal(desktopName({XDG_CURRENT_DESKTOP: 'Budgie:GNOME'}), 'GNOME')
    assert.equal(desktopName({XDG_CURRENT_DESKTOP: 'X-Cinnamon'}), 'X-Cinnamon')
    assert.equal(desktopName({}), 'this')
  })
})

describe('checkAppFilter: exclude_apps is honoured or start refuses', () => {
  const gnome = {WAYLAND_DISPLAY: 'wayland-0', XDG_CURRENT_DESKTOP: 'GNOME'}

  test('refuses where the focused app cannot be known, in one sentence naming --allow-unfiltered and devtrace pause', () => {
    for (const [env, platform] of [[gnome, 'linux'], [{}, 'linux'], [{}, 'darwin'], [{}, 'win32']] as const) {
      assert.throws(() => checkAppFilter({
        excludeApps: ['keepassxc'], allowUnfiltered: false, env, platform,
      }), (error: Error & {exitCode?: number}) => {
        assert.equal(error.exitCode, 1)
        assert.match(error.message, /^exclude_apps is set, but app context (unavailable|is not available)/)
        assert.match(error.message, /--allow-unfiltered/)
        assert.match(error.message, /`devtrace pause`/)
        assert.equal(error.message.split(/[.:] [A-Z]/).length, 1, 'one sentence')
        return true
      }, `${platform} ${JSON.stringify(env)}`)
    }
  })

  test('--allow-unfiltered turns the refusal into a warning', () => {
    const warning = checkAppFilter({
      excludeApps: ['keepassxc'], allowUnfiltered: true, env: gnome, platform: 'linux',
    })
    assert.match(warning!, /^exclude_apps is set, but app context unavailable on GNOME Wayland .*: those apps are recorded too \(--allow-unfiltered\)/)
  })

  test('nothing at stake: no exclude_apps, or a source that can name the app', () => {
    assert.equal(checkAppFilter({
      excludeApps: [], allowUnfiltered: false, env: gnome, platform: 'linux',
    }), undefined)
    assert.equal(checkAppFilter({
      excludeApps: ['x'], allowUnfiltered: false, env: {DISPLAY: ':0'}, platform: 'linux',
    }), undefined)
    assert.equal(checkAppFilter({
      excludeApps: ['x'], allowUnfiltered: false, env: {...gnome, SWAYSOCK: '/s'}, platform: 'linux',
    }), undefined)
  })
})
