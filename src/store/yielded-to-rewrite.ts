/** Background work that a rewrite stopped (DatabaseAccess.online): nothing of it was committed unless it had finished; do it again. */
export class YieldedToRewriteError extends Error {
  constructor(options?: {cause?: unknown}) {
    super('stopped for a rewrite of the database', options)
    this.name = 'YieldedToRewriteError'
  }
}
