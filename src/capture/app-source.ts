import {existsSync} from 'node:fs'
import path from 'node:path'

/**
 * Where the name of the focused app can come from in this session, decided from the environment
 * alone (pure: unit-tested without a desktop), so that `start` can refuse an `exclude_apps` it
 * could not honour before any daemon runs, and the daemon picks the same source.
 *
 * - X11: `xprop` (src/capture/app-tracker.ts).
 * - Wayland has no common protocol for "which window has focus"; each compositor decides:
 *   Sway (and anything speaking i3's IPC) on `$SWAYSOCK`/`$I3SOCK` (src/capture/i3-ipc.ts),
 *   Hyprland on its event socket (src/capture/hyprland-events.ts). GNOME and KDE offer it only
 *   to compositor extensions, so there it is unavailable, and said so by name.
 * - In a Wayland session `DISPLAY` (XWayland) is no answer: xprop would see XWayland windows only
 *   and keep naming the last of them while a native Wayland window has focus.
 */
export type AppSourceKind = 'hyprland' | 'none' | 'sway' | 'x11'

export interface AppSource {
  source: AppSourceKind
  available: boolean
  /** Why the focused app cannot be known here (one phrase), null when it can. */
  reason: null | string
  /** The compositor socket to read (sway, hyprland). */
  socket?: string
}

export function detectAppSource(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): AppSource {
  if (platform !== 'linux' && platform !== 'freebsd' && platform !== 'openbsd') {
    // macOS (NSWorkspace frontmostApplication) and Windows (GetForegroundWindow) need native code we do not ship yet.
    return unavailable(`app context is not available on ${platform} yet`)
  }

  const sessionType = (env.XDG_SESSION_TYPE ?? '').toLowerCase()
  const wayland = sessionType === 'wayland' || (sessionType !== 'x11' && Boolean(env.WAYLAND_DISPLAY))
  if (!wayland) {
    if (env.DISPLAY) return {source: 'x11', available: true, reason: null}
    return unavailable('app context unavailable without a display (console session)')
  }

  const sway = env.SWAYSOCK || env.I3SOCK
  if (sway) return {
    source: 'sway', available: true, reason: null, socket: sway,
  }
  if (env.HYPRLAND_INSTANCE_SIGNATURE) {
    return {
      source: 'hyprland', available: true, reason: null, socket: hyprlandSocket(env, '.socket2.sock'),
    }
  }

  return unavailable(`app context unavailable on ${desktopName(env)} Wayland${extensionNote(env)}`)
}

function unavailable(reason: string): AppSource {
  return {source: 'none', available: false, reason}
}

/** `XDG_CURRENT_DESKTOP` is a colon-separated list ("ubuntu:GNOME"); the desktop people know by name. */
export function desktopName(env: NodeJS.ProcessEnv): string {
  const names = (env.XDG_CURRENT_DESKTOP ?? '').split(':').map(name => name.trim()).filter(Boolean)
  const known = names.find(name => /^(gnome|kde|plasma)$/i.test(name))
  if (known) return /^gnome$/i.test(known) ? 'GNOME' : 'KDE'
  return names.at(-1) ?? 'this'
}

function extensionNote(env: NodeJS.ProcessEnv): string {
  const desktop = desktopName(env)
  return desktop === 'GNOME' || desktop === 'KDE' ? ' (it needs a compositor extension)' : ''
}

/**
 * Hyprland's sockets: `$XDG_RUNTIME_DIR/hypr/<signature>/` since 0.40, `/tmp/hypr/<signature>/`
 * before; the first that exists, else the current place (the tracker then says it is missing).
 */
export function hyprlandSocket(env: NodeJS.ProcessEnv, name: '.socket.sock' | '.socket2.sock'): string {
  const signature = env.HYPRLAND_INSTANCE_SIGNATURE ?? ''
  const candidates = [
    ...(env.XDG_RUNTIME_DIR ? [path.join(env.XDG_RUNTIME_DIR, 'hypr', signature, name)] : []),
    path.join('/tmp/hypr', signature, name),
  ]
  return candidates.find(candidate => existsSync(candidate)) ?? candidates[0]
}
