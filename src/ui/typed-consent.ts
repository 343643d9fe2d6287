import {ConsentError} from '../core/errors.js'
import {canPrompt} from './consent.js'

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
 * refuse (exit 3). The prompt goes to stderr, so stdout stays clean for --json.
 */
export async function requireTypedConsent(options: TypedConsentOptions): Promise<void> {
  if (options.yes) return
  if (!canPrompt()) {
    throw new ConsentError(`Refusing without confirmation: there is no terminal to ask on. ${options.nothingDone}`, options.yesHint)
  }

  const {input} = await import('@inquirer/prompts')
  let answer = ''
  process.stderr.write(`${options.warning}\n`)
  try {
    answer = await input({message: `Type "${options.phrase}" to confirm:`}, {output: process.stderr})
  } catch (error) {
    // Ctrl-C or a closed terminal is a "no".
    if (!(error instanceof Error) || !/ExitPromptError|AbortPromptError|CancelPromptError/.test(error.name)) throw error
  }

  if (answer.trim() !== options.phrase) throw new ConsentError(`Not confirmed. ${options.nothingDone}`)
}
