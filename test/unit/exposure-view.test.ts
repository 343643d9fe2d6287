import assert from 'node:assert/strict'
import {describe, test} from 'node:test'

import type {ProfileExposure} from '../../src/privacy/exposure.js'

import {describeReidentification, exposureLine, formatRate} from '../../src/ui/exposure-view.js'

const reidentification = {
  rate: 0.5, chance: 0.01, days: 4, test_days: 2, features: 5, crowd: 99, seed: 13,
}

describe('the exposure view', () => {
  test('one line: what can be computed, what cannot, the rate next to chance', () => {
    const entry: ProfileExposure = {
      profile: 'coarse',
      signals: {
        text: false, key_identity: false, rhythm_fingerprint: true, hold_flight: false, app_timeline: true, working_hours: true, mouse_path: false, click_positions: false,
      },
      reidentification,
    }
    assert.equal(
      exposureLine(entry),
      'a recipient could compute rhythm_fingerprint, app_timeline, working_hours; not text, key_identity, hold_flight, mouse_path, click_positions; '
      + 're-identification 50.0 % vs 1.0 % by chance (devtrace exposure explains)',
    )
    assert.match(exposureLine({...entry, reidentification: {...reidentification, rate: null}}), /re-identification not measurable \(under 2 days of typing\)/)
  })

  test('rates: chance is labelled, a missing rate says so, plain words per case', () => {
    assert.equal(formatRate({...reidentification, rate: 0.01}), '1.0 % (chance)')
    assert.equal(formatRate({...reidentification, rate: null}), 'not measurable')
    assert.equal(describeReidentification(reidentification), '50.0 % of 2 test days picked out of 100 typists, against 1.0 % by chance (5 rhythm features).')
    assert.equal(describeReidentification({...reidentification, features: 0, rate: 0.01}), 'nothing to measure a rhythm by: a recipient could only guess (1.0 %, chance).')
    assert.equal(describeReidentification({
      ...reidentification, rate: null, days: 1, test_days: 0,
    }), 'needs two days with at least 100 key presses each; one found.')
  })
})
