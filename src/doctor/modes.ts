import {type Dirent, readdirSync, statSync} from 'node:fs'
import path from 'node:path'

import {
  type Check, ok, shellQuote, warn,
} from './check.js'

const FOLDER_MODE = 0o700
const FILE_MODE = 0o600
/** The folders devtrace makes inside DEVTRACE_HOME; what they hold is checked too. */
const SUBFOLDERS = new Set(['demo', 'logs', 'unfinished-exports'])

/**
 * Every file devtrace keeps describes the user's input, so the folder is 0700 and its files 0600
 * (README, "Where your data lives"). A mode that drifted (a restored backup, a copy, a chmod) is
 * a warn with the exact chmod that puts it back. Sockets are left out: the daemon sets its own.
 */
export function checkModes(home: string, platform: NodeJS.Platform = process.platform): Check {
  const name = 'file modes'
  if (platform === 'win32') return ok(name, 'Windows: access is decided by the folder\'s ACL, which devtrace does not change.')
  const folderMode = modeOf(home)
  if (folderMode === undefined) return ok(name, `${home} does not exist yet: nothing to check.`)

  const folders: Array<{file: string; mode: number}> = [{file: home, mode: folderMode}]
  const files: Array<{file: string; mode: number}> = []
  const visit = (folder: string, depth: number): void => {
    for (const entry of listing(folder)) {
      const file = path.join(folder, entry.name)
      const mode = modeOf(file)
      if (mode === undefined) continue
      if (entry.isDirectory()) {
        folders.push({file, mode})
        if (depth === 0 && SUBFOLDERS.has(entry.name)) visit(file, 1)
      } else if (!entry.isSocket()) {
        files.push({file, mode})
      }
    }
  }

  visit(home, 0)
  const looseFolders = folders.filter(folder => folder.mode !== FOLDER_MODE)
  const looseFiles = files.filter(file => file.mode !== FILE_MODE)
  const checked = `${folders.length} folder${folders.length === 1 ? '' : 's'} and ${files.length} file${files.length === 1 ? '' : 's'} in ${home}`
  if (looseFolders.length === 0 && looseFiles.length === 0) return ok(name, `${checked}: folders 0700, files 0600.`)

  const list = (items: Array<{file: string; mode: number}>): string => items.map(item => `${item.file} (${octal(item.mode)})`).join(', ')
  const found = [
    looseFolders.length > 0 ? `folders not 0700: ${list(looseFolders)}` : '',
    looseFiles.length > 0 ? `files not 0600: ${list(looseFiles)}` : '',
  ].filter(Boolean).join('; ')
  const fix = [
    looseFolders.length > 0 ? `chmod 700 ${looseFolders.map(folder => shellQuote(folder.file)).join(' ')}` : '',
    looseFiles.length > 0 ? `chmod 600 ${looseFiles.map(file => shellQuote(file.file)).join(' ')}` : '',
  ].filter(Boolean).join(' && ')
  return warn(name, `Of ${checked}, ${found} (devtrace keeps its folders 0700 and files 0600, readable by you alone).`, fix)
}

function modeOf(file: string): number | undefined {
  try {
    return statSync(file).mode & 0o777
  } catch {
    return undefined
  }
}

function listing(folder: string): Dirent[] {
  try {
    return readdirSync(folder, {withFileTypes: true})
  } catch {
    return []
  }
}

function octal(mode: number): string {
  return mode.toString(8).padStart(4, '0')
}
