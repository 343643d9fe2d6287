import type {StatePaths} from '../config/paths.js'
import type {Io} from '../core/io.js'

import {openAnalysisStore} from '../analysis/reader.js'
import {localTimeZone} from '../analysis/summary.js'
import {isoFromMicros} from '../core/values.js'
import {
  computeExposure, type ExposureOptions, type ProfileExposure, profileExposure,
} from './exposure.js'
import {type ProfileOrNone} from './profiles.js'

export interface ExposureRunOptions extends Omit<ExposureOptions, 'timeZone'> {
  paths: StatePaths
  /** Judge the demo database instead of the user's. */
  demo?: boolean
}

export interface ExposureReport {
  range: {since: null | string; until: null | string}
  time_zone: string
  exposure: ProfileExposure[]
}

/**
 * `devtrace exposure`: every profile's output over the range, read through the daemon when it
 * runs (or the file when it does not), judged by the extractors. Nothing is written.
 */
export async function exposureRun(options: ExposureRunOptions, io: Io): Promise<ExposureReport> {
  const store = await openAnalysisStore(options.paths, {demo: options.demo, refresh: false})
  const timeZone = localTimeZone()
  // Each profile's output is read in full (four passes or more): say why a large database takes a while.
  const note = !io.json && io.stderr.isTTY
  if (note) io.stderr.write('Reading what each profile would write…')
  try {
    const exposure = await computeExposure(store, {...options, timeZone})
    return {
      range: {
        since: options.sinceMicros === undefined ? null : isoFromMicros(options.sinceMicros),
        until: options.untilMicros === undefined ? null : isoFromMicros(options.untilMicros),
      },
      time_zone: timeZone,
      exposure,
    }
  } finally {
    if (note) io.stderr.write('\r\u001B[K')
    store.close()
  }
}

/**
 * The exposure of what one export or upload writes (its profile over its range), for the one line
 * their previews print. Opens the store and closes it again before the caller writes anything.
 */
export async function exposureOfProfile(paths: StatePaths, profile: ProfileOrNone, options: Omit<ExposureOptions, 'timeZone'>, where: {demo?: boolean} = {}): Promise<ProfileExposure> {
  const store = await openAnalysisStore(paths, {demo: where.demo, refresh: false})
  try {
    return await profileExposure(store, profile, {...options, timeZone: localTimeZone()})
  } finally {
    store.close()
  }
}
