import type {z} from 'zod'

import type {Operation} from './store/database-access.js'

import {DevtraceError} from './core/errors.js'

/**
 * Every operation that changes the database, by name, each loaded on first use (the modules pull
 * in DuckDB-heavy code that most commands never need). Each runs in exactly one place: the daemon
 * when it is running (it owns the file), else the command's own process. The loaders' types give
 * each name its parameters and its result, so `runOperation(paths, 'forget', …)` is checked and
 * typed at the call site, and an unknown name does not compile.
 */
export const OPERATIONS = {
  checkpoint: async () => (await import('./store/checkpoint.js')).checkpointOperation,
  'rollup-refresh': async () => (await import('./analysis/rollup.js')).rollupRefreshOperation,
  export: async () => (await import('./transfer/export.js')).exportOperation,
  forget: async () => (await import('./privacy/forget.js')).forgetOperation,
  redact: async () => (await import('./privacy/redact.js')).redactOperation,
  'upload-payload': async () => (await import('./transfer/upload-payload.js')).uploadPayloadOperation,
  'audit-record': async () => (await import('./privacy/audit-record.js')).auditRecordOperation,
} satisfies Record<string, () => Promise<Operation<z.ZodType, unknown>>>

export type OperationName = keyof typeof OPERATIONS
type Loaded<N extends OperationName> = Awaited<ReturnType<(typeof OPERATIONS)[N]>>
/** What a caller passes (before defaults and clamping). */
export type OperationParams<N extends OperationName> = z.input<Loaded<N>['params']>
export type OperationResult<N extends OperationName> = Awaited<ReturnType<Loaded<N>['run']>>

export function isOperationName(name: unknown): name is OperationName {
  return typeof name === 'string' && Object.hasOwn(OPERATIONS, name)
}

/** The operation called `name`; a name from the wire that is not one is refused in one sentence. */
export async function loadOperation(name: unknown): Promise<Operation<z.ZodType, unknown>> {
  if (!isOperationName(name)) throw new DevtraceError(`Unknown operation "${String(name ?? '')}".`)
  return OPERATIONS[name]()
}
