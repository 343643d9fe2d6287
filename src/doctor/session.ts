import {type Check, ok, warn} from './check.js'

/** What kind of desktop session this is, as the variables a login sets describe it. */
export type SessionType = 'none' | 'wayland' | 'x11' | 'xwayland'

export function sessionType(env: NodeJS.ProcessEnv): SessionType {
  const declared = (env.XDG_SESSION_TYPE ?? '').toLowerCase()
  const wayland = declared === 'wayland' || (declared !== 'x11' && Boolean(env.WAYLAND_DISPLAY))
  if (wayland) return env.DISPLAY ? 'xwayland' : 'wayland'
  return env.DISPLAY || declared === 'x11' ? 'x11' : 'none'
}

/** Display and session type, from DISPLAY, WAYLAND_DISPLAY and XDG_SESSION_TYPE. */
export function checkSession(env: NodeJS.ProcessEnv, platform: NodeJS.Platform = process.platform): Check {
  const name = 'display'
  if (platform !== 'linux') return ok(name, `${platform}: input comes from the system's own hooks, not a display server.`)
  const seen = describeVariables(env)
  switch (sessionType(env)) {
  case 'wayland': {
    return ok(name, `Wayland session without XWayland (${seen}): only the evdev backend can capture.`)
  }

  case 'x11': {
    return env.DISPLAY
      ? ok(name, `X11 session (${seen}).`)
      : warn(name, `X11 session without a display (${seen}).`, 'Run devtrace from your desktop session, or set DISPLAY (for example DISPLAY=:0).')
  }

  case 'xwayland': {
    return ok(name, `Wayland session with XWayland (${seen}): the hook sees only X11 apps, the evdev backend sees all input.`)
  }

  default: {
    return warn(name, `No graphical session (${seen}): only the evdev backend can capture, and apps cannot be named.`, 'Run devtrace from your desktop session to capture through the X11 hook.')
  }
  }
}

function describeVariables(env: NodeJS.ProcessEnv): string {
  const names = ['DISPLAY', 'WAYLAND_DISPLAY', 'XDG_SESSION_TYPE'] as const
  return names.map(variable => `${variable}=${env[variable] || '(unset)'}`).join(', ')
}
