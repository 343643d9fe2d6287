import type {StatePaths} from '../config/paths.js'
import type {OperationName, OperationParams, OperationResult} from '../operations.js'

import {withBackend} from './backend.js'

/** Run one operation that changes the database, through the daemon when it runs, else here (see backend.ts). */
export async function runOperation<N extends OperationName>(paths: StatePaths, name: N, params: OperationParams<N>): Promise<OperationResult<N>> {
  return withBackend(paths, backend => backend.operate(name, params))
}
