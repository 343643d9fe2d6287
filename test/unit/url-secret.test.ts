import assert from 'node:assert/strict'
import {describe, test} from 'node:test'

import {
  hasQuery, maskQuery, scrubQuery, urlWithoutQuery,
} from '../../src/core/url-secret.js'

const PRESIGNED = 'https://bucket.s3.eu-west-1.amazonaws.com/participant%3Dp07/date%3D2026-11-30/payload.parquet'
	+ '?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIASENTINEL0KEYID07%2F20261130%2Feu-west-1%2Fs3%2Faws4_request'
	+ '&X-Amz-Date=20261130T120000Z&X-Amz-Expires=900&X-Amz-SignedHeaders=host&X-Amz-Signature=5e9f1c0d2b7a8e3f4c6d5b2a1908f7e6d5c4b3a2918f7e6d5c4b3a2918f7e6d5'

describe('a URL\'s query string is kept out of everything shown or stored', () => {
  test('scheme, host and path only; text that is not a URL is cut at ? or #', () => {
    assert.equal(urlWithoutQuery(PRESIGNED), 'https://bucket.s3.eu-west-1.amazonaws.com/participant%3Dp07/date%3D2026-11-30/payload.parquet')
    assert.equal(urlWithoutQuery('https://u:p@example.com:8443/in#frag'), 'https://example.com:8443/in')
    assert.equal(urlWithoutQuery('not a url?sig=SENTINEL'), 'not a url')
    assert.equal(urlWithoutQuery('not a url#SENTINEL'), 'not a url')
  })

  test('hasQuery and maskQuery: a ?… marks a hidden query; a URL without one is shown as written', () => {
    assert.equal(hasQuery(PRESIGNED), true)
    assert.equal(hasQuery('https://example.com/in'), false)
    assert.equal(hasQuery('https://example.com/in?'), false)
    assert.equal(maskQuery(PRESIGNED), `${urlWithoutQuery(PRESIGNED)}?…`)
    assert.equal(maskQuery('https://Example.com/in'), 'https://Example.com/in')
  })

  test('an object store\'s error answer quoting the signed request loses every secret part: signature, credential, key id', () => {
    const url = new URL(PRESIGNED)
    const answer = `<Error><Code>SignatureDoesNotMatch</Code><AWSAccessKeyId>AKIASENTINEL0KEYID07</AWSAccessKeyId>
      <CanonicalRequest>PUT /participant%3Dp07/date%3D2026-11-30/payload.parquet ${url.search.slice(1).replace(/&X-Amz-Signature=.*/, '')}</CanonicalRequest>
      <SignatureProvided>${url.searchParams.get('X-Amz-Signature')}</SignatureProvided>
      <StringToSign>AWS4-HMAC-SHA256 20261130T120000Z 20261130/eu-west-1/s3/aws4_request</StringToSign>
      <Location>${PRESIGNED}</Location></Error>`
    const scrubbed = scrubQuery(answer, url)
    for (const secret of ['AKIASENTINEL0KEYID07', url.searchParams.get('X-Amz-Signature')!, url.search.slice(1)]) {
      assert.equal(scrubbed.includes(secret), false, secret)
    }

    // What says nothing secret stays readable.
    assert.match(scrubbed, /SignatureDoesNotMatch/)
    assert.match(scrubbed, /X-Amz-Expires=900/)
    assert.equal(scrubQuery('plain answer', new URL('https://example.com/in')), 'plain answer')
  })
})
