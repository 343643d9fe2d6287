import {rmSync} from 'node:fs'
import {after, before} from 'node:test'

import {makeSandbox, type Sandbox} from './cli.js'
import {startXvfb, type VirtualDisplay} from './xvfb.js'

export interface PrivateDisplay {
  /** The private X display (valid once the suite's `before` hook has run). */
  readonly display: string
  /** A fresh DEVTRACE_HOME on that display (or the given folder); stopped and removed after the suite. */
  sandbox: (home?: string) => Sandbox
}

/**
 * Call inside a `describe`: starts a private Xvfb before the suite and, after it, stops every
 * daemon its sandboxes started, removes their folders, and stops the X server.
 */
export function usePrivateDisplay(): PrivateDisplay {
  let x: undefined | VirtualDisplay
  const sandboxes: Sandbox[] = []

  before(async () => {
    x = await startXvfb()
  })

  after(async () => {
    for (const s of sandboxes) {
      await s.run(['stop'])
      s.cleanup()
    }

    await x?.stop()
  })

  const display = (): string => {
    if (!x) throw new Error('the private display is not started yet (use it inside a test)')
    return x.display
  }

  return {
    get display() {
      return display()
    },
    sandbox(home?: string): Sandbox {
      const s = makeSandbox(display())
      if (home) {
        rmSync(s.home, {force: true, recursive: true})
        s.home = home
        s.env.DEVTRACE_HOME = home
      }

      sandboxes.push(s)
      return s
    },
  }
}
