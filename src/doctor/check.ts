/** How one check came out: `fail` makes `doctor` exit 1, `warn` is worth knowing but not broken. */
export type CheckStatus = 'fail' | 'ok' | 'warn'

/** One line of `devtrace doctor`: what was looked at, how it came out, and what to do about it. */
export interface Check {
  name: string
  status: CheckStatus
  /** One sentence: what was found. */
  detail: string
  /** What to run or change; absent when there is nothing to do. */
  fix?: string
}

export const ok = (name: string, detail: string): Check => ({name, status: 'ok', detail})
export const warn = (name: string, detail: string, fix?: string): Check => ({
  name, status: 'warn', detail, ...(fix ? {fix} : {}),
})
export const fail = (name: string, detail: string, fix?: string): Check => ({
  name, status: 'fail', detail, ...(fix ? {fix} : {}),
})

/** A path as one shell word, so the fix can be pasted as it is. */
export function shellQuote(text: string): string {
  return /^[\w@%+=:,./-]+$/.test(text) ? text : `'${text.replaceAll('\'', String.raw`'\''`)}'`
}
