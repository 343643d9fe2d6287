import {execFileSync} from 'node:child_process'
import {once} from 'node:events'
import {
  closeSync, constants, mkdtempSync, openSync, rmSync,
} from 'node:fs'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'

import type {CopyFormat} from '../store/copy-out.js'
import type {QueryLimits} from '../store/query-guard.js'
import type {Store} from '../store/store.js'

import {printRows} from './print-rows.js'

/**
 * Print a query's result as CSV or JSON at full speed: DuckDB (in the daemon, or here) writes
 * into a private FIFO that we copy to stdout. Windows has no FIFOs: there rows are formatted here.
 */
export async function copyQueryToStdout(store: Store, sql: string, format: CopyFormat, limits: QueryLimits = {}): Promise<void> {
  if (process.platform === 'win32') {
    await printRows(store.query(sql, undefined, limits), {format})
    return
  }

  const dir = mkdtempSync(path.join(os.tmpdir(), 'devtrace-')) // 0700
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
    rmSync(dir, {force: true, recursive: true})
  }
}
