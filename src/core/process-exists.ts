/**
 * Whether a process with this pid exists (signal 0 delivers nothing). EPERM means it exists but
 * belongs to someone else. A zombie still counts as existing: callers that must know a process
 * has really ended use daemon/process-gone.ts.
 */
export function processExists(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'
  }
}
