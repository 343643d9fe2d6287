import {existsSync} from 'node:fs'
import net from 'node:net'

import {DevtraceError} from '../core/errors.js'

/**
 * Can input be captured here? uiohook-napi aborts the whole process (SIGABRT) when it cannot
 * open the X display, so on Linux we look for a reachable X server first and explain what is
 * missing instead of crashing.
 */
export async function assertCaptureAvailable(env: NodeJS.ProcessEnv = process.env): Promise<void> {
  if (process.platform !== 'linux') return // macOS Accessibility and Windows hooks are checked when the hook starts.
  const display = env.DISPLAY
  if (!display) {
    if (env.WAYLAND_DISPLAY) {
      throw new DevtraceError(
        'This is a Wayland session without X access (WAYLAND_DISPLAY is set, DISPLAY is not), and Wayland lets no program see global input.',
        {suggestion: 'Run devtrace inside an X11 session, or enable XWayland and set DISPLAY (input to XWayland apps can be captured).'},
      )
    }

    throw new DevtraceError('There is no X display (DISPLAY is not set), so there is no input to capture.', {
      suggestion: 'Run devtrace from your desktop session, or set DISPLAY (for example DISPLAY=:0).',
    })
  }

  const target = parseDisplay(display)
  if (!target) {
    throw new DevtraceError(`There is no usable X display (DISPLAY=${display} is not a display name).`, {
      suggestion: 'Set DISPLAY to a value like :0 or localhost:10.0.',
    })
  }

  const reachable = await canConnect(target)
  if (!reachable) {
    throw new DevtraceError(`There is no X display at DISPLAY=${display} (nothing answers there).`, {
      suggestion: 'Start devtrace from a running X session, or point DISPLAY at one.',
    })
  }
}

type DisplayTarget = {host: string; port: number} | {path: string}

/** `:0`, `unix:0`, `:0.0` → the local socket; `host:10.0` → TCP port 6010. */
export function parseDisplay(display: string): DisplayTarget | undefined {
  const match = /^(?<host>[^:]*):(?<number>\d+)(?:\.\d+)?$/.exec(display)
  if (!match?.groups) return undefined
  const {host, number} = match.groups
  if (host === '' || host === 'unix') return {path: `/tmp/.X11-unix/X${number}`}
  return {host, port: 6000 + Number(number)}
}

async function canConnect(target: DisplayTarget): Promise<boolean> {
  const candidates = 'path' in target ? localSockets(target.path) : [{host: target.host, port: target.port}]
  for (const options of candidates) {
    if (await tryConnect(options)) return true
  }

  return false
}

/** The socket file, and the abstract socket of the same name that Linux X servers also listen on. */
function localSockets(file: string): net.NetConnectOpts[] {
  return [...(existsSync(file) ? [{path: file}] : []), {path: `\0${file}`}]
}

function tryConnect(options: net.NetConnectOpts): Promise<boolean> {
  return new Promise(resolve => {
    const socket = net.createConnection(options)
    const done = (ok: boolean): void => {
      socket.destroy()
      resolve(ok)
    }

    socket.setTimeout(1500, () => done(false))
    socket.once('connect', () => done(true))
    socket.once('error', () => done(false))
  })
}
