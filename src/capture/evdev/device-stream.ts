import {spawnTiedToParent} from '../tied-spawn.js'

/** A running read of one device file. */
export interface DeviceStream {
  /** Stop reading (the reader process is ended). */
  stop(): void
}

export interface DeviceStreamSink {
  onData(chunk: Buffer): void
  /** The stream ended: `reason` says why when it was not a plain end of file (the device was unplugged, …). */
  onEnd(reason: string | undefined): void
}

/**
 * Read one `eventN` file as it produces records.
 *
 * Why a `cat` per device rather than reading in this process: a real `/dev/input/eventN` is a
 * character device, which Node can only read through blocking `fs.read` calls, each holding one
 * of libuv's four threadpool threads until the next input arrives (the threadpool DuckDB's async
 * calls and every other file operation also need: two keyboards and two mice would stall the
 * writer). A worker thread blocked in `read` cannot be stopped either: Node joins it at exit, so
 * the daemon would not end until the next key press. `cat` blocks in its own process and writes
 * into a pipe, which Node reads on the event loop without a thread; it is ended like any child,
 * and is tied to the daemon so a `kill -9` of the daemon does not leave it reading. The same code
 * reads the named pipes tests feed (whose open blocks until a writer appears: in `cat`, not here).
 */
export function streamDevice(file: string, sink: DeviceStreamSink): DeviceStream {
  const child = spawnTiedToParent('cat', ['--', file], {stdio: ['ignore', 'pipe', 'pipe']})
  let stopped = false
  let ended = false
  let stderr = ''
  const end = (reason: string | undefined): void => {
    if (ended) return
    ended = true
    if (!stopped) sink.onEnd(reason)
  }

  child.stdout!.on('data', (chunk: Buffer) => {
    if (!stopped) sink.onData(chunk)
  })
  child.stderr!.on('data', (chunk: Buffer) => {
    if (stderr.length < 1000) stderr += chunk.toString('utf8')
  })
  child.once('error', error => end(error.message))
  // 'close' comes after stdout has delivered everything the device gave.
  child.once('close', code => end(code === 0 ? undefined : lastLine(stderr) || `reader exited with status ${code}`))
  return {
    stop() {
      stopped = true
      child.kill()
    },
  }
}

/** `cat: /dev/input/event5: No such device` → `No such device`. */
function lastLine(text: string): string {
  const line = text.trim().split('\n').at(-1) ?? ''
  return line.replace(/^cat: .*?: /, '')
}
