import type {StatePaths} from './config/paths.js'
import type {Backend} from './store/backend.js'

import {
  loadOperation, type OperationName, type OperationParams, type OperationResult,
} from './operations.js'
import {withBackend} from './store/backend.js'

/**
 * One operation by name on an open backend, its result typed by the name. This sits beside the
 * operations table, not in the store: the table loads analysis, privacy and transfer modules,
 * which build on the store, so the store only ever receives the loader.
 */
export async function operate<N extends OperationName>(backend: Backend, name: N, params: OperationParams<N>): Promise<OperationResult<N>> {
  return (await backend.operate(name, params, async () => loadOperation(name))) as OperationResult<N>
}

/**
 * Run one operation that changes the database, through the daemon when it runs, else here (see
 * store/backend.ts); with `demo`, on the demo database.
 */
export async function runOperation<N extends OperationName>(paths: StatePaths, name: N, params: OperationParams<N>, options: {demo?: boolean} = {}): Promise<OperationResult<N>> {
  return withBackend(paths, backend => operate(backend, name, params), options)
}
