import {type Hook, toConfiguredId} from '@oclif/core'

import {UsageError} from '../core/errors.js'
import {cliErrorFor, errorJson} from '../ui/base-command.js'
import {canAskWhichCommand, closestCommand} from '../ui/command-suggestion.js'

/**
 * `devtrace summarise` → "did you mean summarize?". At a terminal, @oclif/plugin-not-found asks
 * and runs the command on yes. Anywhere else its hook would only say "not a command" (no name),
 * so the suggestion is printed here and the exit is 2 (bad usage), like any other typo, with
 * nothing waiting for an answer. The plugin is therefore not listed among oclif's plugins: two
 * command_not_found hooks would both run.
 */
const commandNotFound: Hook.CommandNotFound = async function (opts) {
  const {config} = opts
  const hidden = new Set(config.commands.filter(command => command.hidden).map(command => command.id))
  const ids = [...config.commandIDs, ...config.commands.flatMap(command => command.aliases)].filter(id => !hidden.has(id))
  const typed = toConfiguredId(opts.id, config)
  const suggestion = closestCommand(opts.id, ids)
  const meant = suggestion && toConfiguredId(suggestion, config)
  // `devtrace stop now`: oclif looks for a command "stop now"; the mistake is the extra word.
  const [first, ...extra] = opts.id.split(':')
  const takesNoArguments = !meant && extra.length > 0 && ids.includes(first)
  const error = meant
    ? new UsageError(`"${typed}" is not a ${config.bin} command; did you mean "${meant}"?`, `Run ${config.bin} ${meant}, or ${config.bin} help for every command.`)
    : (takesNoArguments
      ? new UsageError(`${config.bin} ${first} takes no argument${extra.length > 1 ? 's' : ''} "${extra.join(' ')}".`, `Run ${config.bin} ${first} --help for what it takes.`)
      : new UsageError(`"${typed}" is not a ${config.bin} command.`, `Run ${config.bin} help for every command.`))
  const json = opts.argv?.includes('--json') ?? false
  if (suggestion && !json && canAskWhichCommand()) {
    const {default: askAndRun} = await import('@oclif/plugin-not-found')
    // The plugin offers the closest of the ids it is given: only ours, so that it asks about the
    // same command this message names (its own distance counts a swap as two edits).
    const onlyOurs = new Proxy(config, {
      get: (target, key, receiver) => (key === 'commandIDs' ? [suggestion] : (key === 'commands' ? [] : Reflect.get(target, key, receiver))),
    })
    // On "no" (or no answer within its 10 s) the plugin errors; ours says the same, exit 2.
    return askAndRun.call({
      ...this,
      error() {
        throw cliErrorFor(error, false)
      },
    }, {...opts, config: onlyOurs})
  }

  if (json) {
    // Like every command's --json error: the sentence, the suggestion and the exit code on stdout.
    process.stdout.write(JSON.stringify(errorJson(cliErrorFor(error, true)), null, 2) + '\n')
    this.exit(error.exitCode)
  }

  throw cliErrorFor(error, false)
}

export default commandNotFound
