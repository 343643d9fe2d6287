import type {Io} from '../../src/core/io.js'

/** Thrown by FakeIo.exit in place of ending the process, so a test sees the code. */
export class FakeExit extends Error {
  constructor(readonly code: number) {
    super(`exit ${code}`)
  }
}

export interface FakeIo extends Io {
  /** What was logged for the person (stdout). */
  readonly logged: string[]
  /** The warnings given (none are given with --json, as on the terminal). */
  readonly warned: string[]
  /** What went to stderr. */
  readonly errors: string[]
  /** The questions and typed prompts that were asked, in order. */
  readonly asked: string[]
  /** Simulate Ctrl-C: call every interrupt handler still listening. */
  interrupt(): void
  /** How many interrupt handlers are still listening. */
  listeners(): number
}

/**
 * A terminal for unit tests of `xxxRun` flows: records what is printed and asked, answers prompts
 * from the given answers (a function to act at the moment of the prompt, e.g. press Ctrl-C),
 * and throws FakeExit instead of ending the process.
 */
export function fakeIo(options: {
  confirm?: ((question: string) => boolean | Promise<boolean>) | boolean
  input?: string
  json?: boolean
  tty?: boolean
} = {}): FakeIo {
  const logged: string[] = []
  const errors: string[] = []
  const warned: string[] = []
  const asked: string[] = []
  const handlers = new Set<() => void>()
  return {
    json: options.json ?? false,
    logged,
    warned,
    errors,
    asked,
    log(text) {
      if (options.json) throw new Error(`logged with --json: ${text}`)
      logged.push(text)
    },
    warn(text) {
      if (!options.json) warned.push(text)
    },
    stderr: {isTTY: false, write: text => errors.push(text)},
    canPrompt: () => options.tty ?? false,
    async confirm(question) {
      asked.push(question)
      const answer = options.confirm
      return typeof answer === 'function' ? answer(question) : answer ?? false
    },
    async input(message) {
      asked.push(message)
      return options.input ?? ''
    },
    onInterrupt(handler) {
      handlers.add(handler)
      return () => handlers.delete(handler)
    },
    exit(code): never {
      throw new FakeExit(code)
    },
    interrupt() {
      for (const handler of handlers) handler()
    },
    listeners: () => handlers.size,
  }
}
