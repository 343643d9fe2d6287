/**
 * `work`, or `late()` once `ms` have passed without an answer (`work` is left to settle on its
 * own). For callers that must end whatever a peer or a tool does: `doctor` above all, which
 * people run when something is already wrong.
 */
export async function within<T>(ms: number, work: Promise<T>, late: () => T): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<T>(resolve => {
    timer = setTimeout(() => resolve(late()), ms)
  })
  try {
    return await Promise.race([work, timeout])
  } finally {
    clearTimeout(timer)
  }
}
