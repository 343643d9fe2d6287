/** Exit codes are part of the public contract (SPEC.md): scripts branch on them. */
export const ExitCode = {
  Ok: 0,
  Failure: 1,
  Usage: 2,
  NoConsent: 3,
} as const

export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode]
