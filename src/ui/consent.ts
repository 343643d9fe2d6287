import type {Io} from '../core/io.js'

import {ConsentError} from '../core/errors.js'

export interface ConsentOptions {
  /** `--yes` was given: consent without asking. */
  yes: boolean
  /** The question, answered y/N (default no). */
  question: string
  /** What was not done, as one sentence, for the refusal (e.g. "Nothing was forgotten."). */
  nothingDone: string
  /** The flag that consents without a prompt, for the suggestion. */
  yesFlag?: string
}

/**
 * Consent for something that cannot be undone: `--yes`, or a y/N question on a TTY (default
 * no). Without a TTY and without `--yes`, refuse (exit 3) — never assume.
 */
export async function requireConsent(io: Io, options: ConsentOptions): Promise<void> {
  if (options.yes) return
  const yesFlag = options.yesFlag ?? '--yes'
  if (!io.canPrompt()) {
    throw new ConsentError(
      `Refusing without confirmation: there is no terminal to ask on. ${options.nothingDone}`,
      `Run it in a terminal to be asked, or add ${yesFlag} to confirm in advance.`,
    )
  }

  if (!(await io.confirm(options.question))) throw new ConsentError(`Not confirmed. ${options.nothingDone}`)
}
