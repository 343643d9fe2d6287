import {ExitCode, type ExitCodeValue} from './exit-codes.js'

/**
 * An error we expect and can explain: one sentence for the user, an optional suggestion,
 * and the exit code scripts see. The base command prints these without a stack trace.
 */
export class DevtraceError extends Error {
  readonly exitCode: ExitCodeValue
  readonly suggestion?: string

  constructor(message: string, options: {cause?: unknown; exitCode?: ExitCodeValue; suggestion?: string} = {}) {
    super(message, {cause: options.cause})
    this.name = 'DevtraceError'
    this.exitCode = options.exitCode ?? ExitCode.Failure
    this.suggestion = options.suggestion
  }
}

/** Bad input from the user: an unknown value, a malformed time, a missing argument. Exit 2. */
export class UsageError extends DevtraceError {
  constructor(message: string, suggestion?: string) {
    super(message, {exitCode: ExitCode.Usage, suggestion})
    this.name = 'UsageError'
  }
}

/** The user did not (or could not) consent to something that needs it. Exit 3. */
export class ConsentError extends DevtraceError {
  constructor(message: string, suggestion?: string) {
    super(message, {exitCode: ExitCode.NoConsent, suggestion})
    this.name = 'ConsentError'
  }
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}
