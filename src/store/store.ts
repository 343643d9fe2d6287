import type {StatePaths} from '../config/paths.js'
import type {Store} from './read-store.js'

import {LocalBackend, openBackend} from './backend.js'

export type {CopyToRequest, Store} from './read-store.js'

/**
 * A store to read from (daemon or file, see backend.ts), or with `demo` the demo database;
 * fails at once, in one sentence, when there is nothing to read.
 */
export async function openStore(paths: StatePaths, options: {demo?: boolean} = {}): Promise<Store> {
  const backend = await openBackend(paths, options)
  if (backend instanceof LocalBackend) {
    try {
      await backend.reads()
    } catch (error) {
      backend.close()
      throw error
    }
  }

  return backend
}
