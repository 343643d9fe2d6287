import {Flags} from '@oclif/core'

/**
 * `--demo`, the same on every read command (inspect, query, export, audit, summarize, report,
 * exposure): read the demo database that `devtrace demo` made instead of your own.
 */
export function demoFlag() {
  return Flags.boolean({description: 'Read the demo database (made by `devtrace demo`) instead of yours.'})
}
