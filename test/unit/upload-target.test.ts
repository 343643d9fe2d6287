import assert from 'node:assert/strict'
import {
  chmodSync, mkdtempSync, rmSync, writeFileSync,
} from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import {after, describe, test} from 'node:test'

import {readUrlFile, uploadTarget} from '../../src/transfer/upload-target.js'

const SIGNED = 'https://s3.example.com/b/k?X-Amz-Signature=SENTINEL-sig'

describe('upload: where the URL comes from', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'devtrace-url-file-'))

  after(() => rmSync(dir, {force: true, recursive: true}))
  const file = (name: string, text: string): string => {
    const full = path.join(dir, name)
    writeFileSync(full, text)
    return full
  }

  test('first given wins: --to, --to-file, DEVTRACE_UPLOAD_URL, config upload.url', () => {
    const urlFile = file('url.txt', `  ${SIGNED}  \n\n`)
    chmodSync(urlFile, 0o600)
    const env = {DEVTRACE_UPLOAD_URL: ' https://env.example.com/in\n'}
    assert.deepEqual(uploadTarget({to: 'https://flag.example.com/in'}, 'https://config.example.com/in', env), {url: 'https://flag.example.com/in', source: 'flag', warnings: []})
    assert.deepEqual(uploadTarget({toFile: urlFile}, 'https://config.example.com/in', env), {url: SIGNED, source: 'file', warnings: []})
    assert.deepEqual(uploadTarget({}, 'https://config.example.com/in', env), {url: 'https://env.example.com/in', source: 'env', warnings: []})
    assert.deepEqual(uploadTarget({}, 'https://config.example.com/in', {DEVTRACE_UPLOAD_URL: ''}), {url: 'https://config.example.com/in', source: 'config', warnings: []})
    assert.throws(() => uploadTarget({}, undefined, {}), {exitCode: 2, message: 'No destination: give --to URL.'})
    assert.throws(() => uploadTarget({to: SIGNED, toFile: urlFile}, undefined, {}), {exitCode: 2, message: 'Give --to or --to-file, not both.'})
  })

  test('a query string where others can read it is warned about: on the command line (ps), in a file others may read', () => {
    const [argv] = uploadTarget({to: SIGNED}, undefined, {}).warnings
    assert.match(argv, /^Warning: the URL given with --to has a query string .* `ps` .* Pass it with --to-file PATH or DEVTRACE_UPLOAD_URL instead\.$/)
    const shared = file('shared.url', SIGNED)
    chmodSync(shared, 0o644)
    assert.deepEqual(uploadTarget({toFile: shared}, undefined, {}).warnings, [
      `Warning: other users can read ${shared} (mode 0644), and the URL's query string in it is a credential. Run chmod 600 ${shared}.`,
    ])
    chmodSync(shared, 0o600)
    assert.deepEqual(uploadTarget({toFile: shared}, undefined, {}).warnings, [])
    // No query string, nothing to hide; the environment is private to the process and its user.
    chmodSync(file('plain.url', 'https://example.com/in'), 0o644)
    assert.deepEqual(uploadTarget({toFile: path.join(dir, 'plain.url')}, undefined, {}).warnings, [])
    assert.deepEqual(uploadTarget({to: 'https://example.com/in'}, undefined, {}).warnings, [])
    assert.deepEqual(uploadTarget({}, undefined, {DEVTRACE_UPLOAD_URL: SIGNED}).warnings, [])
    // Never the secret itself.
    for (const warning of [argv, ...uploadTarget({toFile: shared}, undefined, {}).warnings]) assert.equal(warning.includes('SENTINEL'), false)
  })

  test('a URL file holds one line; empty, several lines, missing or huge files are usage errors that never quote the contents', () => {
    assert.equal(readUrlFile(file('crlf.txt', `${SIGNED}\r\n`)), SIGNED)
    const cases: Array<[string, RegExp]> = [
      [file('empty.txt', ' \n\n'), /is empty\.$/],
      [file('two.txt', `${SIGNED}\n${SIGNED}\n`), /has 2 lines; it must hold one URL\.$/],
      [path.join(dir, 'missing.txt'), /Cannot read the --to-file file .*missing\.txt: ENOENT\.$/],
      [file('huge.txt', `${SIGNED}\n`.repeat(2000)), /: EFBIG\.$/],
    ]
    for (const [name, message] of cases) {
      assert.throws(() => readUrlFile(name), (error: Error & {exitCode: number; suggestion: string}) => {
        assert.equal(error.exitCode, 2)
        assert.match(error.message, message)
        assert.equal(`${error.message} ${error.suggestion}`.includes('SENTINEL'), false)
        return true
      })
    }
  })
})
