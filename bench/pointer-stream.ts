import {spawn} from 'node:child_process'
import {once} from 'node:events'

/** How often the feeder writes its due lines: the stream arrives in 5 ms bursts. */
const TICK_MS = 5

const sleep = (ms: number): Promise<void> => new Promise(resolve => {
  setTimeout(resolve, ms)
})

/** The i-th position of a stream: every move goes somewhere new, so each is exactly one X motion event. */
export const position = (i: number): string => `${100 + (i % 1000)} ${100 + Math.floor(i / 1000)}`

/**
 * Feed one long-running `xdotool -` `mousemove` lines at `rate` per second for `seconds` (used by
 * bench/daemon and bench/daemon-memory); resolves when xdotool has run them all.
 */
export async function pointerStream(display: string, rate: number, seconds: number): Promise<{sent: number; seconds: number; lagMs: number}> {
  const child = spawn('xdotool', ['-'], {env: {...process.env, DISPLAY: display}, stdio: ['pipe', 'ignore', 'inherit']})
  const exited = once(child, 'exit')
  const total = Math.round(rate * seconds)
  const started = performance.now()
  let sent = 0
  while (sent < total) {
    const due = Math.min(total, Math.floor(((performance.now() - started) / 1000) * rate))
    if (due > sent) {
      let text = ''
      for (; sent < due; sent++) text += `mousemove ${position(sent)}\n`
      if (!child.stdin!.write(text)) await once(child.stdin!, 'drain')
    }

    await sleep(TICK_MS)
  }

  const lastWrite = performance.now()
  child.stdin!.end()
  const [code] = await exited
  if (code !== 0) throw new Error(`xdotool exited with ${code}`)
  const ended = performance.now()
  return {sent, seconds: (ended - started) / 1000, lagMs: ended - lastWrite}
}
