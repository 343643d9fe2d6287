import {Chalk, type ChalkInstance} from 'chalk'

/** Colour only on a terminal, never with NO_COLOR set (https://no-color.org). */
export function colourFor(stream: NodeJS.WriteStream = process.stdout): ChalkInstance {
  const enabled = Boolean(stream.isTTY) && process.env.NO_COLOR === undefined && process.env.TERM !== 'dumb'
  return new Chalk({level: enabled ? 1 : 0})
}
