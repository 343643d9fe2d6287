import {type ChildProcess, spawn, spawnSync} from 'node:child_process'

export interface VirtualDisplay {
  /** Like ":3" — pass as DISPLAY to every process the test starts. */
  display: string
  stop(): Promise<void>
}

/**
 * Whether e2e tests can run here. Under CI they must: a missing Xvfb there is a failure, not a
 * skip. Locally, a machine without Xvfb skips them with a reason.
 */
export function e2eSkipReason(): false | string {
  const have = (tool: string): boolean => spawnSync('sh', ['-c', `command -v ${tool}`]).status === 0
  const missing = ['Xvfb', 'xdotool'].filter(tool => !have(tool))
  if (missing.length === 0) return false
  if (process.env.CI) throw new Error(`CI=true but ${missing.join(' and ')} missing: .ci/run must install them`)
  return `needs ${missing.join(' and ')} (apt-get install xvfb xdotool)`
}

/**
 * Start a private X server on a free display number (Xvfb picks it and writes it to the fd we
 * give with -displayfd). Tests never send input to a real desktop.
 */
export async function startXvfb(): Promise<VirtualDisplay> {
  const child: ChildProcess = spawn('Xvfb', ['-displayfd', '3', '-screen', '0', '1280x1024x24', '-nolisten', 'tcp'], {
    stdio: ['ignore', 'ignore', 'pipe', 'pipe'],
  })
  const display = await new Promise<string>((resolve, reject) => {
    let text = ''
    const timer = setTimeout(() => reject(new Error('Xvfb did not report a display within 10 s')), 10_000)
    child.stdio[3]!.on('data', (chunk: Buffer) => {
      text += chunk.toString()
      if (text.includes('\n')) {
        clearTimeout(timer)
        resolve(`:${text.trim()}`)
      }
    })
    child.once('exit', code => {
      clearTimeout(timer)
      reject(new Error(`Xvfb exited early (code ${code})`))
    })
  })
  return {
    display,
    stop: () =>
      new Promise(resolve => {
        if (child.exitCode !== null) {
          resolve()
          return
        }

        child.once('exit', () => resolve())
        child.kill('SIGTERM')
      }),
  }
}

/** Run xdotool against the private display only. */
export function xdotool(display: string, ...args: string[]): void {
  const result = spawnSync('xdotool', args, {env: {...process.env, DISPLAY: display}, encoding: 'utf8'})
  if (result.status !== 0) throw new Error(`xdotool ${args.join(' ')} failed: ${result.stderr}`)
}
