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

/** Prompts need a person at a terminal on both ends: input to answer, a screen to read it on. */
export function canPrompt(): boolean {
  return Boolean(process.stdin.isTTY && process.stderr.isTTY)
}

/**
 * Consent for something that cannot be undone: `--yes`, or a y/N question on a TTY (default
 * no). Without a TTY and without `--yes`, refuse (exit 3) — never assume. The question goes to
 * stderr, so stdout stays clean for `--json`.
 */
export async function requireConsent(options: ConsentOptions): Promise<void> {
  if (options.yes) return
  const yesFlag = options.yesFlag ?? '--yes'
  if (!canPrompt()) {
    throw new ConsentError(
      `Refusing without confirmation: there is no terminal to ask on. ${options.nothingDone}`,
      `Run it in a terminal to be asked, or add ${yesFlag} to confirm in advance.`,
    )
  }

  const {confirm} = await import('@inquirer/prompts')
  let answer = false
  try {
    answer = await confirm({message: options.question, default: false}, {output: process.stderr})
  } catch (error) {
    // Ctrl-C or a closed terminal is a "no".
    if (!(error instanceof Error) || !/ExitPromptError|AbortPromptError|CancelPromptError/.test(error.name)) throw error
  }

  if (!answer) throw new ConsentError(`Not confirmed. ${options.nothingDone}`)
}
