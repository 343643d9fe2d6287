import {
  type ChildProcess, spawn, spawnSync,
} from 'node:child_process'
import {
  chmodSync, chownSync, mkdtempSync, readdirSync, rmSync, writeFileSync,
} from 'node:fs'
import os from 'node:os'
import path from 'node:path'

import {waitFor} from './cli.js'

/**
 * A real headless Sway for the Wayland app-context tests, with Wayland clients of known app id.
 *
 * Sway refuses to run as root and CI runs as root, so everything runs as a throwaway user made
 * here (and removed by `stop`), in a private 0700 XDG_RUNTIME_DIR it owns. Headless: no GPU, no
 * input devices, pixman rendering; nothing is shown anywhere and no real desktop is touched.
 */

/** Tools these tests need; under CI a missing one is a failure, not a skip. */
export function swaySkipReason(): false | string {
  const have = (tool: string): boolean => spawnSync('sh', ['-c', `command -v ${tool}`]).status === 0
  const missing = ['sway', 'swaymsg', 'foot', 'runuser', 'useradd', 'userdel'].filter(tool => !have(tool))
  if (process.getuid?.() !== 0) {
    if (process.env.CI) throw new Error('CI=true but not root: the Sway tests make a throwaway user')
    return 'needs root (to make a throwaway user for sway, which refuses to run as root)'
  }

  if (missing.length === 0) return false
  if (process.env.CI) throw new Error(`CI=true but ${missing.join(', ')} missing: .ci/run must install them`)
  return `needs ${missing.join(', ')} (apt-get install sway foot)`
}

export interface HeadlessSway {
  /** $SWAYSOCK: the IPC socket the daemon reads focus from. */
  socket: string
  /** $WAYLAND_DISPLAY of this compositor. */
  waylandDisplay: string
  /** Open a terminal whose Wayland app id is `appId` and title `title`; resolves once sway lists it. */
  openClient(appId: string, title: string): Promise<void>
  /** swaymsg as the compositor's user; throws when it fails. */
  swaymsg(...args: string[]): string
  /** Stop the compositor and its clients (each by pid), remove the user and its folder. */
  stop(): Promise<void>
}

export async function startHeadlessSway(): Promise<HeadlessSway> {
  const user = `dtsway${process.pid}`
  const created = spawnSync('useradd', ['--no-create-home', '--home-dir', '/nonexistent', '--shell', '/usr/sbin/nologin', user], {encoding: 'utf8'})
  if (created.status !== 0) throw new Error(`useradd ${user} failed: ${created.stderr}`)
  const runtime = mkdtempSync(path.join(os.tmpdir(), 'devtrace-sway-'))
  const {uid, gid} = userIds(user)
  chownSync(runtime, uid, gid)
  chmodSync(runtime, 0o700)
  const config = path.join(runtime, 'config')
  // No XWayland (input comes through the test's own Xvfb), nothing else.
  writeFileSync(config, 'xwayland disable\n')
  chownSync(config, uid, gid)

  const children: ChildProcess[] = []
  const asUser = (command: string[], env: Record<string, string>): ChildProcess => {
    const variables = Object.entries({PATH: '/usr/local/bin:/usr/bin:/bin', XDG_RUNTIME_DIR: runtime, ...env}).map(([name, value]) => `${name}=${value}`)
    const child = spawn('runuser', ['-u', user, '--', 'env', '-i', ...variables, ...command], {
      stdio: ['ignore', 'ignore', 'pipe'], detached: true,
    })
    let stderr = ''
    child.stderr!.on('data', chunk => {
      stderr = (stderr + chunk).slice(-4000)
    })
    child.once('exit', code => {
      if (code) process.stderr.write(`${command[0]} exited ${code}: ${stderr}\n`)
    })
    children.push(child)
    return child
  }

  const stop = async (): Promise<void> => {
    // Clients first, then the compositor; each by the process group we started it in.
    for (const child of children.reverse()) await ended(child)
    spawnSync('userdel', ['--force', user])
    rmSync(runtime, {recursive: true, force: true})
  }

  try {
    asUser(['sway', '-c', config], {WLR_BACKENDS: 'headless', WLR_LIBINPUT_NO_DEVICES: '1', WLR_RENDERER: 'pixman'})
    const found = await waitFor(() => {
      const names = readdirSync(runtime)
      const socket = names.find(name => /^sway-ipc\..*\.sock$/.test(name))
      const display = names.find(name => /^wayland-\d+$/.test(name))
      return socket && display ? {socket: path.join(runtime, socket), display} : undefined
    }, 'sway to create its sockets', 30_000)
    const swaymsg = (...args: string[]): string => {
      const result = spawnSync('runuser', ['-u', user, '--', 'env', '-i', `SWAYSOCK=${found.socket}`, 'swaymsg', ...args], {encoding: 'utf8'})
      if (result.status !== 0) throw new Error(`swaymsg ${args.join(' ')} failed: ${result.stdout}${result.stderr}`)
      return result.stdout
    }

    return {
      socket: found.socket,
      waylandDisplay: found.display,
      swaymsg,
      async openClient(appId, title) {
        asUser(['foot', '--app-id', appId, '--title', title, 'sleep', '3600'], {WAYLAND_DISPLAY: found.display})
        await waitFor(() => swaymsg('-t', 'get_tree').includes(`"app_id": "${appId}"`), `sway to list ${appId}`, 30_000)
      },
      stop,
    }
  } catch (error) {
    await stop()
    throw error
  }
}

function userIds(user: string): {uid: number; gid: number} {
  const read = (flag: string): number => Number(spawnSync('id', [flag, user], {encoding: 'utf8'}).stdout.trim())
  return {uid: read('-u'), gid: read('-g')}
}

/** SIGTERM the process group a child leads, and wait for the child to exit. */
async function ended(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return
  const exited = new Promise(resolve => {
    child.once('exit', resolve)
  })
  try {
    process.kill(-child.pid!, 'SIGTERM')
  } catch {
    return
  }

  await exited
}
