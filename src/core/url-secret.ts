/**
 * A URL's query string can be a credential: a presigned object-storage URL carries its signature
 * (and the signer's key id) there. Wherever devtrace shows or keeps a URL — the upload preview,
 * errors, the ledger, `config get` — it goes through these, so the query never does.
 */

/** Scheme, host and path: no credentials, no query, no fragment. Text that is not a URL is cut at the first `?` or `#`. */
export function urlWithoutQuery(text: string): string {
  try {
    const url = new URL(text)
    return `${url.protocol}//${url.host}${url.pathname}`
  } catch {
    return text.split(/[?#]/, 1)[0]
  }
}

/** Whether the URL (or URL-like text) has a non-empty query string. */
export function hasQuery(text: string): boolean {
  try {
    return new URL(text).search.length > 1
  } catch {
    return /\?./.test(text)
  }
}

/** For showing a stored setting: the URL without its query, with `?…` where one was; otherwise as written. */
export function maskQuery(text: string): string {
  return hasQuery(text) ? `${urlWithoutQuery(text)}?…` : text
}

/** Query values shorter than this are left alone when scrubbing text (`X-Amz-Expires=900` says nothing secret). */
const SECRET_MIN_LENGTH = 6

/** Parts of a slash-separated value this long are scrubbed on their own (an access key id is 20 characters). */
const KEY_ID_MIN_LENGTH = 16

/**
 * `text` (a server's answer, a redirect's Location) with the URL's query string and each of its
 * longer values — raw, percent-decoded and percent-encoded — replaced by `…`. An S3 error answer
 * quotes the canonical request, access key id included, and a redirect may repeat the URL whole.
 */
export function scrubQuery(text: string, url: URL): string {
  const secrets = new Set<string>()
  if (url.search.length > 1) secrets.add(url.search.slice(1))
  for (const [, value] of url.searchParams) {
    for (const form of [value, encodeURIComponent(value)]) if (form.length >= SECRET_MIN_LENGTH) secrets.add(form)
    // An S3 credential is key-id/date/region/s3/aws4_request; its error answers quote the key id alone.
    for (const part of value.split('/')) if (part.length >= KEY_ID_MIN_LENGTH) secrets.add(part)
  }

  for (const raw of url.search.slice(1).split('&')) {
    const value = raw.slice(raw.indexOf('=') + 1)
    if (raw.includes('=') && value.length >= SECRET_MIN_LENGTH) secrets.add(value)
  }

  let scrubbed = text
  // Longest first, so a value inside the whole query string does not leave the rest behind.
  for (const secret of [...secrets].sort((a, b) => b.length - a.length)) scrubbed = scrubbed.replaceAll(secret, '…')
  return scrubbed
}
