import {appendFileSync, renameSync, statSync} from 'node:fs'

/** The daemon log, kept small: past `maxBytes` it rotates to `daemon.log.1` (one old file kept). */
export class DaemonLog {
  private size: number

  constructor(
    private readonly file: string,
    private readonly echo: boolean,
    private readonly maxBytes = 1024 * 1024,
  ) {
    try {
      this.size = statSync(file).size
    } catch {
      this.size = 0
    }
  }

  write(line: string): void {
    const text = `${new Date().toISOString()} ${line}\n`
    if (this.echo) process.stderr.write(text)
    try {
      if (this.size + text.length > this.maxBytes) {
        renameSync(this.file, `${this.file}.1`)
        this.size = 0
      }

      appendFileSync(this.file, text, {mode: 0o600})
      this.size += text.length
    } catch {
      // A full or read-only disk must not take capture down with it; the status shows write errors.
    }
  }
}
