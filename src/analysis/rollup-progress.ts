import type {RollupBuildProgress} from '../ipc/protocol.js'

/**
 * How far a rollup build running in this process has come (src/analysis/rollup.ts). Kept apart
 * from rollup.ts, which loads zod and the metric SQL, so the daemon's `status` handler can read it
 * without loading either.
 */
type Listener = (progress: null | RollupBuildProgress) => void

let current: null | RollupBuildProgress = null
const listeners = new Set<Listener>()

/** The build running in this process, or null when none runs. */
export function rollupBuildProgress(): null | RollupBuildProgress {
  return current
}

/** Called by the build after each committed chunk, and with null when it ends. */
export function reportRollupProgress(progress: null | RollupBuildProgress): void {
  current = progress
  for (const listener of listeners) listener(progress)
}

/** Hear about each chunk of a build in this process until the returned function is called. */
export function onRollupProgress(listener: Listener): () => void {
  listeners.add(listener)
  return () => {
    listeners.delete(listener)
  }
}

/** The share of `total` that `done` is, in whole percent below 100 until the build has ended. */
export function percentOf(done: number, total: number): number {
  if (total <= 0) return 0
  return Math.min(99, Math.floor((done / total) * 100))
}
