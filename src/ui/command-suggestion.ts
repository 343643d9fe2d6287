import editDistance from 'damerau-levenshtein'

/**
 * The command a mistyped one most likely meant, or undefined when nothing is close: a typo is a
 * few edits away (`summarise` → `summarize`), while `devtrace xyzzy` deserves no guess. Swapped
 * letters count as one edit (Damerau), so `stauts` means `status`, not `start`.
 */
export function closestCommand(typed: string, commands: readonly string[]): string | undefined {
  const allowed = Math.max(2, Math.floor(typed.length / 3))
  let best: {distance: number; id: string} | undefined
  for (const id of commands) {
    const distance = editDistance(typed, id).steps
    if (distance <= allowed && (!best || distance < best.distance)) best = {distance, id}
  }

  return best?.id
}

/**
 * Whether a "did you mean …?" question may be asked: only with a person at a terminal on both
 * ends. A script, a pipe or CI would otherwise wait on a prompt nobody answers.
 */
export function canAskWhichCommand(
  env: NodeJS.ProcessEnv = process.env,
  streams: {stdin: {isTTY?: boolean}; stdout: {isTTY?: boolean}} = process,
): boolean {
  return Boolean(streams.stdin.isTTY && streams.stdout.isTTY) && !env.CI
}
