import {Chalk, type ChalkInstance} from 'chalk'

/**
 * The colour level for human output on `stream`:
 * - NO_COLOR set to anything but "" turns colour off, whatever else is set (https://no-color.org);
 * - FORCE_COLOR turns it on without a terminal (CI logs, `| less -R`): 1–3 pick the level,
 *   "" and "true" mean 1, "0" and "false" mean off;
 * - otherwise colour only on a terminal that is not TERM=dumb.
 * --json and --csv output never goes through here, so it is never coloured.
 */
export function colourLevel(stream: Pick<NodeJS.WriteStream, 'isTTY'>, env: NodeJS.ProcessEnv = process.env): 0 | 1 | 2 | 3 {
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return 0
  const force = env.FORCE_COLOR
  if (force !== undefined) {
    if (force === '' || force === 'true') return 1
    if (force === 'false') return 0
    const level = Number.parseInt(force, 10)
    if (Number.isInteger(level)) return Math.max(0, Math.min(level, 3)) as 0 | 1 | 2 | 3
  }

  return stream.isTTY && env.TERM !== 'dumb' ? 1 : 0
}

/** Chalk at the level colourLevel decides for `stream`. */
export function colourFor(stream: NodeJS.WriteStream = process.stdout): ChalkInstance {
  return new Chalk({level: colourLevel(stream)})
}
