/**
 * What a command's flow (`xxxRun(opts, io)`) may do with the outside world: print for a person,
 * ask them, and notice Ctrl-C. Commands pass the terminal one (ui/terminal-io.ts); unit tests pass
 * a fake that records what was printed and answers prompts, so a flow is tested without spawning
 * a process or reading `process.*`.
 */
export interface Io {
  /** --json was given: stdout holds only the final JSON, so `log` must not be called. */
  readonly json: boolean
  /** One line (or block) for the person, on stdout. */
  log(text: string): void
  /** A warning for the person, on stderr; not shown with --json (as oclif's own warnings). */
  warn(text: string): void
  /** stderr: notes that must not mix with stdout (progress, retries, a preview beside --json). */
  readonly stderr: {readonly isTTY: boolean; write(text: string): void}
  /** Prompts need a person at a terminal on both ends: input to answer, a screen to read it on. */
  canPrompt(): boolean
  /** A y/N question (default no); Ctrl-C or a closed terminal answers no. */
  confirm(question: string): Promise<boolean>
  /** A typed answer; Ctrl-C or a closed terminal answers ''. */
  input(message: string): Promise<string>
  /** Run `handler` on Ctrl-C until the returned function is called. */
  onInterrupt(handler: () => void): () => void
  /** End the process now with this code (after Ctrl-C, before anything was done). */
  exit(code: number): never
}
