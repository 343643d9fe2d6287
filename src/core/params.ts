import {z} from 'zod'

import {UsageError} from './errors.js'

/**
 * Parameters that arrive as JSON (over the daemon's socket, or from a command) are checked with
 * a zod schema; the first problem becomes one UsageError sentence. A check that has advice to
 * give puts it in its issue's `params.suggestion`.
 */
export function parseParams<S extends z.ZodType>(schema: S, raw: unknown): z.output<S> {
  const result = schema.safeParse(raw ?? {})
  if (result.success) return result.data
  const issue = result.error.issues[0]
  const suggestion = issue.code === 'custom' ? (issue.params as undefined | {suggestion?: string})?.suggestion : undefined
  throw new UsageError(issue.message, suggestion)
}

/** One of `choices`, refused as `Unknown <what> "<value>".` with the choices as the suggestion. */
export function oneOf<T extends string>(choices: readonly T[], what: string): z.ZodType<T> {
  return z.custom<T>(value => typeof value === 'string' && (choices as readonly string[]).includes(value), {
    error: issue => `Unknown ${what} "${String(issue.input)}".`,
    params: {suggestion: `Use one of ${choices.join(', ')}.`},
  })
}

/** An optional number that JSON may also send as null; both mean "not given". */
export const optionalNumber = z.number().nullish().transform(value => value ?? undefined)
