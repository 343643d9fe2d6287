import {spawn, type SpawnOptions} from 'node:child_process'
import {mkdtempSync, rmSync} from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import {fileURLToPath} from 'node:url'

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..')
export const BIN = path.join(ROOT, 'bin', 'run.js')

export interface CliResult {
  code: null | number
  signal: NodeJS.Signals | null
  stdout: string
  stderr: string
}

/** An isolated DEVTRACE_HOME (and DISPLAY) for the processes a test starts. */
export interface Sandbox {
  home: string
  env: NodeJS.ProcessEnv
  /** Run the built CLI exactly as a user would: a child process of bin/run.js. */
  run(args: string[], options?: RunOptions & {env?: NodeJS.ProcessEnv}): Promise<CliResult>
  cleanup(): void
}

export function makeSandbox(display?: string): Sandbox {
  const home = mkdtempSync(path.join(os.tmpdir(), 'devtrace-test-'))
  const env: NodeJS.ProcessEnv = {...process.env, DEVTRACE_HOME: home, NO_COLOR: '1'}
  delete env.DEBUG
  if (display) env.DISPLAY = display
  else delete env.DISPLAY
  delete env.WAYLAND_DISPLAY
  // The desktop the tests run from must not choose the app-context source or the capture
  // backend (a test sets these itself), and `auto` must never read the machine's real input
  // devices (there are none in this folder).
  for (const name of ['XDG_SESSION_TYPE', 'XDG_SESSION_ID', 'XDG_CURRENT_DESKTOP', 'SWAYSOCK', 'I3SOCK', 'HYPRLAND_INSTANCE_SIGNATURE']) delete env[name]
  env.DEVTRACE_INPUT_DIR = path.join(home, 'no-input-devices')
  return {
    home,
    env,
    run: (args, options = {}) => runCli(args, {...env, ...options.env}, options),
    cleanup: () => rmSync(home, {force: true, recursive: true}),
  }
}

export interface RunOptions {
  input?: string
  timeoutMs?: number
  /** Run the CLI through another program, e.g. `setpriv` to run it as another user. */
  wrapper?: string[]
}

export function runCli(args: string[], env: NodeJS.ProcessEnv, {input, timeoutMs = 60_000, wrapper = []}: RunOptions = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const options: SpawnOptions = {env, stdio: ['pipe', 'pipe', 'pipe']}
    const [program, ...programArgs] = [...wrapper, process.execPath, BIN, ...args]
    const child = spawn(program, programArgs, options)
    let stdout = ''
    let stderr = ''
    child.stdout!.on('data', chunk => {
      stdout += chunk
    })
    child.stderr!.on('data', chunk => {
      stderr += chunk
    })
    const timer = setTimeout(() => {
      child.kill('SIGKILL')
      reject(new Error(`devtrace ${args.join(' ')} timed out after ${timeoutMs} ms\nstdout: ${stdout}\nstderr: ${stderr}`))
    }, timeoutMs)
    child.once('exit', (code, signal) => {
      clearTimeout(timer)
      // Let the pipes drain before resolving.
      setImmediate(() => resolve({
        code, signal, stdout, stderr,
      }))
    })
    child.stdin!.end(input ?? '')
  })
}

export function sleep(ms: number): Promise<void> {
  return new Promise(resolve => {
    setTimeout(resolve, ms)
  })
}

/** Poll until `check` returns a truthy value, or fail with the last value seen. */
export async function waitFor<T>(check: () => Promise<T> | T, what: string, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs
  let last: T | undefined
  while (Date.now() < deadline) {
    last = await check()
    if (last) return last
    await sleep(100)
  }

  throw new Error(`timed out waiting for ${what} (last: ${JSON.stringify(last)})`)
}

/** oclif wraps and prefixes error text for the terminal; fold it back into one line for matching. */
export function oneLine(text: string): string {
  return text.replaceAll(/\s*›\s*/g, ' ').replaceAll(/\s+/g, ' ').trim()
}
