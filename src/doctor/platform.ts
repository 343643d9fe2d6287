import {type Check, ok, warn} from './check.js'

/**
 * Known problems of the platform itself. On macOS uiohook-napi under plain Node.js may deliver
 * the first key and then nothing more (uiohook-napi issue 23, upstream and unfixed): said plainly,
 * every time, because a capture that silently stops looks exactly like a quiet day.
 */
export function checkPlatform(platform: NodeJS.Platform = process.platform): Check {
  const name = 'platform'
  if (platform === 'darwin') {
    return warn(
      name,
      'On macOS, uiohook-napi under plain Node.js may stop delivering events after the first key (known upstream problem, uiohook-napi issue 23): capture can go silent while devtrace still runs.',
      'After a minute of typing, check that `devtrace status` counts events; if it does not, capture on this Mac is affected.',
    )
  }

  return ok(name, `${platform} ${process.arch}, Node.js ${process.versions.node}: no known platform problem.`)
}
