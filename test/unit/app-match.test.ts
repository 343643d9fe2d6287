import assert from 'node:assert/strict'
import {describe, it} from 'node:test'

import {compileAppPatterns, globToRegExp} from '../../src/capture/app-match.js'

describe('exclude_apps matching', () => {
  it('matches whole names, case-insensitively', () => {
    const excluded = compileAppPatterns(['KeePassXC'])
    assert.equal(excluded({app: 'keepassxc'}), true)
    assert.equal(excluded({app: 'KEEPASSXC'}), true)
    assert.equal(excluded({app: 'KeePassXC-browser'}), false)
    assert.equal(excluded({app: 'My KeePassXC'}), false)
  })

  it('supports * and ? globs', () => {
    const excluded = compileAppPatterns(['*pass*', 'sig?al'])
    assert.equal(excluded({app: '1Password'}), true)
    assert.equal(excluded({app: 'Bitwarden'}), false)
    assert.equal(excluded({app: 'Signal'}), true)
    assert.equal(excluded({app: 'Signaal'}), false)
    assert.equal(excluded({app: 'Sigal'}), false)
  })

  it('treats every other character literally (an app name is not a path)', () => {
    assert.equal(globToRegExp('C++ IDE').test('c++ ide'), true)
    assert.equal(globToRegExp('C++ IDE').test('CC IDE'), false)
    assert.equal(globToRegExp('[work] chat').test('[Work] Chat'), true)
    assert.equal(globToRegExp('[work] chat').test('w chat'), false)
    assert.equal(globToRegExp('a.b').test('axb'), false)
    assert.equal(globToRegExp('org/app*').test('org/app.desktop'), true)
    assert.equal(globToRegExp('*').test('.hidden'), true)
    assert.equal(globToRegExp('(x|y)$^').test('(X|Y)$^'), true)
  })

  it('tries the WM_CLASS instance as well as the class', () => {
    const excluded = compileAppPatterns(['google-chrome'])
    assert.equal(excluded({app: 'Google-chrome', instance: 'google-chrome'}), true)
    assert.equal(compileAppPatterns(['navigator'])({app: 'firefox', instance: 'Navigator'}), true)
    assert.equal(compileAppPatterns(['navigator'])({app: 'firefox', instance: null}), false)
  })

  it('never excludes an unknown app, and an empty list excludes nothing', () => {
    assert.equal(compileAppPatterns(['*'])({app: null, instance: null}), false)
    assert.equal(compileAppPatterns([])({app: 'anything'}), false)
    assert.equal(compileAppPatterns(['  ', ''])({app: 'anything'}), false)
    assert.equal(compileAppPatterns([' slack '])({app: 'Slack'}), true)
  })
})
