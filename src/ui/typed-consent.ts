import type {Io} from '../core/io.js'

import {ConsentError} from '../core/errors.js'

export interface TypedConsentOptions {
  /** `--yes` was given (and whatever else the caller requires alongside it). */
  yes: boolean
  /** What is at stake, printed before the prompt. */
  warning: string
  /** The exact text the user must type. */
  phrase: string
  /** What was not done, as one sentence, for the refusal. */
  nothingDone: string
  /** How to consent in advance, for the suggestion. */
  yesHint: string
}

/**
 * Consent for the riskiest things (sending data unredacted): not y/N, which a reflex answers, but
 * a phrase the user types exactly, on a terminal. Without a terminal and without the flags,
 * refuse (exit 3). The warning goes to stderr, so stdout stays clean for --json.
 */
export async function requireTypedConsent(io: Io, options: TypedConsentOptions): Promise<void> {
  if (options.yes) return
  if (!io.canPrompt()) {
    throw new ConsentError(`Refusing without confirmation: there is no terminal to ask on. ${options.nothingDone}`, options.yesHint)
  }

  io.stderr.write(`${options.warning}\n`)
  const answer = await io.input(`Type "${options.phrase}" to confirm:`)
  if (answer.trim() !== options.phrase) throw new ConsentError(`Not confirmed. ${options.nothingDone}`)
}
