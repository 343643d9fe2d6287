import {execFileSync} from 'node:child_process'
import {once} from 'node:events'
import {
  closeSync, constants, openSync, rmSync,
} from 'node:fs'
import net from 'node:net'
import path from 'node:path'

import type {CopyFormat} from '../store/copy-out.js'
import type {QueryLimits} from '../store/query-guard.js'
import type {Store} from '../store/store.js'

import {makePipeFolder, sweepPipeFolders} from '../store/pipe-folder.js'
import {printRows} from '../ui/print-rows.js'

/**
 * Print a query's result as CSV or JSON at full speed: DuckDB (in the daemon, or here) writes
 * into a private FIFO that we copy to stdout. Windows has no FIFOs: there rows are formatted here.
 */
export async function copyQueryToStdout(store: Store, sql: string, format: CopyFormat, limits: QueryLimits = {}): Promise<void> {
  if (process.platform === 'win32') {
    await printRows(store.query(sql, undefined, limits), {format})
    return
  }

  sweepPipeFolders() // what an earlier, killed query left
  const dir = makePipeFolder() // 0700
  const removeDir = (): void => rmSync(dir, {force: true, recursive: true})
  const unwatch = removeOnInterrupt(removeDir)
  const fifo = path.join(dir, 'out')
  execFileSync('mkfifo', ['-m', '600', fifo])
  const readFd = openSync(fifo, constants.O_RDONLY | constants.O_NONBLOCK)
  // Our own writer end keeps the reader from seeing end-of-file before DuckDB has opened the pipe.
  let keepOpen: number | undefined = openSync(fifo, constants.O_WRONLY | constants.O_NONBLOCK)
  const release = (): void => {
    if (keepOpen !== undefined) closeSync(keepOpen)
    keepOpen = undefined
  }

  const pipe = new net.Socket({fd: readFd, readable: true, writable: false})
  const finished = once(pipe, 'end')
  pipe.pipe(process.stdout, {end: false})
  try {
    await store.copyTo({
      sql, format, fifo, ...limits,
    }, release)
    release()
    await finished
  } finally {
    release()
    pipe.destroy()
    removeDir()
    unwatch()
  }
}

const INTERRUPTS: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP']

/**
 * Run `cleanup` if the process is interrupted (Ctrl-C, a closed terminal) or exits without
 * reaching it, then end as the signal would have. Returns the function that stops watching.
 */
function removeOnInterrupt(cleanup: () => void): () => void {
  const onSignal = (signal: NodeJS.Signals): void => {
    cleanup()
    unwatch()
    process.kill(process.pid, signal)
  }

  const unwatch = (): void => {
    for (const signal of INTERRUPTS) process.off(signal, onSignal)
    process.off('exit', cleanup)
  }

  for (const signal of INTERRUPTS) process.once(signal, onSignal)
  process.once('exit', cleanup)
  return unwatch
}
