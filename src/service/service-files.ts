import {
  existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync,
} from 'node:fs'
import path from 'node:path'

/** What `service install` or `uninstall` did to one file; both commands list every one. */
export interface FileChange {
  path: string
  action: 'removed' | 'unchanged' | 'written'
}

/** Write `content` unless the file already holds exactly that (install is idempotent); via a rename, so a manager never reads half a file. */
export function writeServiceFile(file: string, content: Buffer | string): FileChange {
  const bytes = typeof content === 'string' ? Buffer.from(content) : content
  if (existsSync(file) && readFileSync(file).equals(bytes)) return {path: file, action: 'unchanged'}
  mkdirSync(path.dirname(file), {recursive: true})
  const temporary = `${file}.${process.pid}.tmp`
  writeFileSync(temporary, bytes)
  renameSync(temporary, file)
  return {path: file, action: 'written'}
}

/** Remove the file if it is there; only files removed are reported. */
export function removeServiceFile(file: string): FileChange[] {
  if (!existsSync(file)) return []
  rmSync(file, {force: true})
  return [{path: file, action: 'removed'}]
}
