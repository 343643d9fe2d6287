import assert from 'node:assert/strict'
import {describe, test} from 'node:test'

import {configWarnings} from '../../src/config/config-run.js'
import {
  appListText, defaultConfig, setConfigValue, unsetConfigValue,
} from '../../src/config/config.js'
import {UsageError} from '../../src/core/errors.js'
import {checkUploadUrl} from '../../src/transfer/upload-policy.js'

describe('config values as typed', () => {
  test('exclude_apps: a comma-separated list or a JSON array; "" is empty', () => {
    assert.deepEqual(appListText('slack, keepassxc'), ['slack', 'keepassxc'])
    assert.deepEqual(appListText(' ["slack", "my app, beta"] '), ['slack', 'my app, beta'])
    assert.deepEqual(appListText(''), [])
    assert.deepEqual(appListText('[]'), [])
  })

  test('exclude_apps: "none" alone is refused, not taken as an app; ["none"] is an app named none', () => {
    for (const text of ['none', 'None', ' NONE ']) assert.throws(() => appListText(text), {name: 'UsageError', message: /"none" is taken as no apps/})
    assert.deepEqual(appListText('["none"]'), ['none'])
  })

  test('exclude_apps: a JSON value that is not an array of strings is refused', () => {
    for (const text of ['[1]', '["a", null]', '[broken']) assert.throws(() => appListText(text), {name: 'UsageError', message: /not a JSON array of app names/})
  })

  test('upload.url: set refuses what upload refuses, with the same sentence', () => {
    const url = 'http://example.com/in'
    let uploadSays = ''
    assert.throws(() => checkUploadUrl(url), (error: Error) => {
      uploadSays = error.message
      return error instanceof UsageError
    })
    assert.throws(() => setConfigValue(defaultConfig(), 'upload.url', url), (error: Error) => error instanceof UsageError && error.message === uploadSays)
    assert.equal(setConfigValue(defaultConfig(), 'upload.url', 'http://127.0.0.1:8080/in').upload.url, 'http://127.0.0.1:8080/in')
    assert.equal(setConfigValue(defaultConfig(), 'upload.url', 'https://example.com/in').upload.url, 'https://example.com/in')
  })

  test('upload.url: set warns about `ps` only for a URL with a query string', () => {
    const paths = {} as Parameters<typeof configWarnings>[0]['paths']
    const warn = (key: string, value: string, action: 'get' | 'set' = 'set'): string[] => configWarnings({
      paths, action, key, value,
    })
    assert.match(warn('upload.url', 'https://s3.example.com/b/k?X-Amz-Signature=abc').join(''), /query string .* `ps`/)
    assert.deepEqual(warn('upload.url', 'https://s3.example.com/b/k'), [])
    assert.deepEqual(warn('upload.url', 'https://s3.example.com/b/k?'), [])
    assert.deepEqual(warn('level', 'standard?x=1'), [])
    assert.deepEqual(warn('upload.url', 'https://s3.example.com/b/k?sig=1', 'get'), [])
  })

  test('unset puts a setting back to its default', () => {
    const changed = setConfigValue(setConfigValue(setConfigValue(defaultConfig(), 'exclude_apps', 'slack'), 'upload.url', 'https://example.com/in'), 'mouse_hz', '5')
    assert.deepEqual(unsetConfigValue(changed, 'exclude_apps').exclude_apps, [])
    assert.equal(unsetConfigValue(changed, 'upload.url').upload.url, undefined)
    assert.equal(unsetConfigValue(changed, 'mouse_hz').mouse_hz, defaultConfig().mouse_hz)
  })
})
