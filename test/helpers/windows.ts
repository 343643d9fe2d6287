import {type ChildProcess, spawn, spawnSync} from 'node:child_process'

import {sleep, waitFor} from './cli.js'

/**
 * A window manager and windows of known class and title on a private Xvfb, for the app-context
 * tests. Everything here runs against the display it is given and nothing else.
 */

/** Tools these tests need beyond Xvfb and xdotool; under CI a missing one is a failure, not a skip. */
export function windowsSkipReason(): false | string {
  const have = (tool: string): boolean => spawnSync('sh', ['-c', `command -v ${tool}`]).status === 0
  const missing = ['openbox', 'xterm', 'xmessage', 'xprop'].filter(tool => !have(tool))
  if (missing.length === 0) return false
  if (process.env.CI) throw new Error(`CI=true but ${missing.join(', ')} missing: .ci/run must install them`)
  return `needs ${missing.join(', ')} (apt-get install openbox xterm x11-utils)`
}

function run(display: string, command: string, args: string[]): string {
  const result = spawnSync(command, args, {env: {...process.env, DISPLAY: display}, encoding: 'utf8'})
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} failed: ${result.stderr}`)
  return result.stdout
}

/** The same, '' on failure (xdotool search exits 1 while nothing matches yet). */
function tryRun(display: string, command: string, args: string[]): string {
  const result = spawnSync(command, args, {env: {...process.env, DISPLAY: display}, encoding: 'utf8'})
  return result.status === 0 ? result.stdout : ''
}

export interface Started {
  pid: number
  stop(): Promise<void>
}

function started(child: ChildProcess): Started {
  return {
    pid: child.pid!,
    stop: () => new Promise(resolve => {
      if (child.exitCode !== null || child.signalCode !== null) {
        resolve()
        return
      }

      child.once('exit', () => resolve())
      child.kill('SIGTERM')
    }),
  }
}

/** Start openbox and wait until it manages the screen (it sets _NET_SUPPORTING_WM_CHECK on the root). */
export async function startWindowManager(display: string): Promise<Started> {
  const child = spawn('openbox', ['--sm-disable'], {env: {...process.env, DISPLAY: display}, stdio: 'ignore'})
  await waitFor(() => /window id #/.test(tryRun(display, 'xprop', ['-root', '_NET_SUPPORTING_WM_CHECK'])), 'openbox to manage the display')
  return started(child)
}

export interface TestWindow extends Started {
  id: string
}

/** Start an X client and wait for its window (found by WM_CLASS class). */
export async function openWindow(display: string, command: string, args: string[], className: string): Promise<TestWindow> {
  const child = spawn(command, args, {env: {...process.env, DISPLAY: display}, stdio: 'ignore'})
  const id = await waitFor(() => tryRun(display, 'xdotool', ['search', '--class', className]).trim().split('\n')[0], `a ${className} window`)
  // Mapped and managed (openbox sets _NET_FRAME_EXTENTS once it has framed the window).
  await waitFor(() => /=/.test(tryRun(display, 'xprop', ['-id', id, '_NET_FRAME_EXTENTS'])), `openbox to frame the ${className} window`)
  return {...started(child), id}
}

export async function activate(display: string, window: TestWindow): Promise<void> {
  run(display, 'xdotool', ['windowactivate', '--sync', window.id])
  await sleep(20)
}
