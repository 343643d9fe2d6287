import type {UiohookKey as UiohookKeyTable} from 'uiohook-napi'

import {readFileSync} from 'node:fs'
import {createRequire} from 'node:module'
import {runInNewContext} from 'node:vm'

/**
 * uiohook-napi's `UiohookKey` table, taken from the package's own JavaScript.
 *
 * Importing the package loads libuiohook, and on a machine without a reachable X display that
 * makes the process exit with status 1 when it ends ("Couldn't find per display information"),
 * which fails the whole test file. So we read the file and evaluate only the table's object
 * literal (constants such as `0xEE00 | 0x004F`), without loading any native code.
 */
function readUiohookKey(): typeof UiohookKeyTable {
  const require = createRequire(import.meta.url)
  const entry = require.resolve('uiohook-napi')
  const source = readFileSync(entry, 'utf8')
  const literal = /exports\.UiohookKey = (?<literal>\{[^}]*\});/.exec(source)?.groups?.literal
  if (!literal) throw new Error(`UiohookKey table not found in ${entry}`)
  const table = runInNewContext(`(${literal})`, {}) as Record<string, unknown>
  const entries = Object.entries(table)
  if (entries.length < 100 || entries.some(([, code]) => !Number.isInteger(code))) {
    throw new Error(`UiohookKey table in ${entry} has an unexpected format`)
  }

  return table as typeof UiohookKeyTable
}

export const UiohookKey = readUiohookKey()
