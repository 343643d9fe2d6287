import type {Io} from '../core/io.js'

/** Ctrl-C or a closed terminal during a prompt: inquirer rejects with one of these. */
function isPromptCancel(error: unknown): boolean {
  return error instanceof Error && /ExitPromptError|AbortPromptError|CancelPromptError/.test(error.name)
}

/**
 * The real terminal behind a command: prompts go to stderr (stdout stays clean for --json), and
 * the prompt library is only loaded when something is asked.
 */
export function terminalIo(options: {json: boolean; log: (text: string) => void; warn: (text: string) => void}): Io {
  return {
    json: options.json,
    log: options.log,
    warn: options.warn,
    stderr: process.stderr,
    canPrompt: () => Boolean(process.stdin.isTTY && process.stderr.isTTY),
    async confirm(question) {
      const {confirm} = await import('@inquirer/prompts')
      try {
        return await confirm({message: question, default: false}, {output: process.stderr})
      } catch (error) {
        if (isPromptCancel(error)) return false
        throw error
      }
    },
    async input(message) {
      const {input} = await import('@inquirer/prompts')
      try {
        return await input({message}, {output: process.stderr})
      } catch (error) {
        if (isPromptCancel(error)) return ''
        throw error
      }
    },
    onInterrupt(handler) {
      process.on('SIGINT', handler)
      return () => process.off('SIGINT', handler)
    },
    exit: code => process.exit(code),
  }
}
