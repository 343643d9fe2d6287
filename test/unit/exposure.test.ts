import type {DuckDBConnection} from '@duckdb/node-api'

import {DuckDBInstance} from '@duckdb/node-api'
import assert from 'node:assert/strict'
import {mkdtempSync, rmSync} from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import {
  after, before, describe, test,
} from 'node:test'

import {writeDemoDatabase} from '../../src/demo/demo-data.js'
import {
  computeExposure, type ExposureOptions, outputExposure, profileExposure, SIGNALS,
} from '../../src/privacy/exposure.js'
import {profileSelect} from '../../src/privacy/profiles.js'
import {
  identificationCredit, measureReidentification, scaledManhattan, seededRandom, template,
} from '../../src/privacy/reidentification.js'
import {FileStore} from '../../src/store/file-store.js'
import {migrate} from '../../src/store/schema.js'
import {typingDays} from '../helpers/typist.js'

const OPTIONS: ExposureOptions = {idleSeconds: 180, timeZone: 'UTC'}

async function databaseWith(rows: string[]): Promise<{connection: DuckDBConnection; close(): void; store: FileStore}> {
  const instance = await DuckDBInstance.create(':memory:')
  const connection = await instance.connect()
  await migrate(connection, ':memory:')
  for (let start = 0; start < rows.length; start += 2000) {
    await connection.run(`INSERT INTO events_live VALUES ${rows.slice(start, start + 2000).join(',\n')}`)
  }

  const store = FileStore.over(connection, () => {})
  return {
    connection,
    store,
    close() {
      connection.closeSync()
      instance.closeSync()
    },
  }
}

describe('exposure of each profile, computed from its output', () => {
  let full: Awaited<ReturnType<typeof databaseWith>>
  let standard: Awaited<ReturnType<typeof databaseWith>>

  before(async () => {
    full = await databaseWith(typingDays(4, {level: 'full', pressesPerDay: 600, seed: 7}))
    standard = await databaseWith(typingDays(2, {level: 'standard', pressesPerDay: 300, seed: 8}))
  })

  after(() => {
    full.close()
    standard.close()
  })

  test('raw data recorded at full: every signal, text included', async () => {
    const {signals} = await profileExposure(full.store, 'none', OPTIONS)
    assert.deepEqual(signals, Object.fromEntries(SIGNALS.map(signal => [signal, true])))
  })

  test('keys: hold times and rhythm survive, key identity and text do not', async () => {
    const {signals} = await profileExposure(full.store, 'keys', OPTIONS)
    assert.equal(signals.key_identity, false)
    assert.equal(signals.text, false)
    assert.equal(signals.hold_flight, true)
    assert.equal(signals.rhythm_fingerprint, true)
    assert.equal(signals.app_timeline, true)
  })

  test('coarse: no hold/flight or key identity; a rhythm vector (rounded to 100 ms), apps, hours, grid positions remain', async () => {
    const {signals} = await profileExposure(full.store, 'coarse', OPTIONS)
    assert.deepEqual(signals, {
      text: false,
      key_identity: false,
      rhythm_fingerprint: true,
      hold_flight: false,
      app_timeline: true,
      working_hours: true,
      mouse_path: true,
      click_positions: true,
    })
  })

  test('aggregate: working hours only', async () => {
    const {signals} = await profileExposure(full.store, 'aggregate', OPTIONS)
    assert.deepEqual(Object.entries(signals).filter(([, on]) => on).map(([name]) => name), ['working_hours'])
  })

  test('raw data recorded at standard: no text or key identity, but hold times', async () => {
    const {signals} = await profileExposure(standard.store, 'none', OPTIONS)
    assert.equal(signals.text, false)
    assert.equal(signals.key_identity, false)
    assert.equal(signals.hold_flight, true)
  })

  test('a profile variant that keeps one more column flips the signal it carries', async () => {
    const coarse = profileSelect('coarse')
    // FROM event_rows is the profile's own (the FROM events before it lists app names to hash).
    const from = coarse.sql.lastIndexOf(' FROM event_rows')
    const withHolds = {...coarse, sql: `${coarse.sql.slice(0, from)}, hold_ms${coarse.sql.slice(from)}`}
    assert.notEqual(withHolds.sql, coarse.sql)
    assert.equal((await outputExposure(full.store, 'coarse', coarse, OPTIONS)).signals.hold_flight, false)
    assert.equal((await outputExposure(full.store, 'coarse', withHolds, OPTIONS)).signals.hold_flight, true)

    // Times rounded to the minute: every gap under a second is 0, every median the same: no fingerprint.
    const minutes = {...coarse, sql: coarse.sql.replace(/make_timestamp\(\(\(epoch_us\(ts\).*?AS ts,/, 'date_trunc(\'minute\', ts) AS ts,')}
    assert.notEqual(minutes.sql, coarse.sql)
    assert.equal((await outputExposure(full.store, 'coarse', coarse, OPTIONS)).signals.rhythm_fingerprint, true)
    assert.equal((await outputExposure(full.store, 'coarse', minutes, OPTIONS)).signals.rhythm_fingerprint, false)

    const keys = profileSelect('keys')
    const withCodes = {...keys, sql: keys.sql.replace('EXCLUDE (key_code, seq)', 'EXCLUDE (app, seq)')}
    assert.notEqual(withCodes.sql, keys.sql)
    assert.equal((await outputExposure(full.store, 'keys', keys, OPTIONS)).signals.text, false)
    const variant = await outputExposure(full.store, 'keys', withCodes, OPTIONS)
    assert.equal(variant.signals.text, true)
    assert.equal(variant.signals.app_timeline, false)
  })

  test('re-identification: well above chance for raw data, exactly chance for aggregate', async () => {
    const all = await computeExposure(full.store, OPTIONS)
    assert.deepEqual(all.map(entry => entry.profile), ['none', 'keys', 'coarse', 'aggregate'])
    const [none, keys, , aggregate] = all
    assert.equal(none.reidentification.days, 4)
    assert.equal(none.reidentification.test_days, 2)
    assert.equal(none.reidentification.chance, 1 / 100)
    assert.ok(none.reidentification.features >= 5, `features: ${none.reidentification.features}`)
    assert.ok((none.reidentification.rate ?? 0) >= 0.5, `raw rate ${none.reidentification.rate}`)
    assert.ok((keys.reidentification.rate ?? 0) >= 0.5, `keys rate ${keys.reidentification.rate}`)
    assert.equal(aggregate.reidentification.features, 0)
    assert.equal(aggregate.reidentification.rate, aggregate.reidentification.chance)
  })

  test('re-identification is the same for the same seed', async () => {
    const first = await profileExposure(full.store, 'coarse', {...OPTIONS, seed: 5})
    const second = await profileExposure(full.store, 'coarse', {...OPTIONS, seed: 5})
    assert.deepEqual(first, second)
    const raw = await profileExposure(full.store, 'none', {...OPTIONS, seed: 5})
    assert.deepEqual(raw, await profileExposure(full.store, 'none', {...OPTIONS, seed: 5}))
  })
})

describe('exposure of the demo database', () => {
  test('raw demo data re-identifies above chance; aggregate scores exactly chance', async () => {
    const home = mkdtempSync(path.join(os.tmpdir(), 'devtrace-exposure-demo-'))
    try {
      // Four weekdays (Tuesday 2026-01-06 to Friday): the synthetic desk rests at weekends.
      const file = path.join(home, 'demo.duckdb')
      await writeDemoDatabase(file, {days: 4, nowMicros: Date.UTC(2026, 0, 10) * 1000, seed: 3})
      const store = await FileStore.open(file)
      try {
        const none = await profileExposure(store, 'none', OPTIONS)
        const aggregate = await profileExposure(store, 'aggregate', OPTIONS)
        assert.ok(none.reidentification.days >= 2, JSON.stringify(none.reidentification))
        assert.ok((none.reidentification.rate ?? 0) > none.reidentification.chance, JSON.stringify(none.reidentification))
        assert.equal(aggregate.reidentification.rate, aggregate.reidentification.chance)
      } finally {
        store.close()
      }
    } finally {
      rmSync(home, {force: true, recursive: true})
    }
  })
})

describe('the scaled Manhattan verifier', () => {
  test('a template is the mean and the mean absolute deviation, floored', () => {
    const t = template([[100, 200], [110, 200]], 1)
    assert.deepEqual(t.mean, [105, 200])
    assert.deepEqual(t.scale, [5.25, 10]) // 5 % of the mean beats the deviation of 5 and of 0
    assert.equal(scaledManhattan([115, 180], t), (10 / 5.25) + (20 / 10))
  })

  test('credit: strictly nearest 1, tied k ways 1/k, beaten 0', () => {
    assert.equal(identificationCredit(1, [2, 3]), 1)
    assert.equal(identificationCredit(1, [1, 3]), 1 / 2)
    assert.equal(identificationCredit(2, [1, 3]), 0)
  })

  test('without features the rate is exactly chance; with one day of features it cannot be measured', () => {
    const noFeatures = measureReidentification([{day: 'a', features: {}}, {day: 'b', features: {}}, {day: 'c', features: {}}], {crowd: 9})
    assert.equal(noFeatures.rate, 1 / 10)
    assert.equal(measureReidentification([], {crowd: 9}).rate, 1 / 10)
    const oneDay = measureReidentification([{day: 'a', features: {'hold:letter': {median_ms: 90, samples: 100}}}])
    assert.equal(oneDay.rate, null)
  })

  test('the seeded generator repeats itself and differs by seed', () => {
    const a = seededRandom(1)
    const b = seededRandom(1)
    const c = seededRandom(2)
    const first = [a(), a(), a()]
    assert.deepEqual(first, [b(), b(), b()])
    assert.notDeepEqual(first, [c(), c(), c()])
    assert.ok(first.every(value => value >= 0 && value < 1))
  })
})
