import type {JsonValue} from '../core/values.js'
import type {ProfileOrNone} from '../privacy/profiles.js'
import type {ExportFormat} from './export.js'
import type {UploadMethod} from './upload-policy.js'

/** What the user sees before consenting; also the `preview` of the --json output. */
export interface UploadPreview {
  /** Scheme, host and path only. */
  destination: string
  /** The URL has a query string, sent but never shown or kept (a presigned URL's signature). */
  query_hidden: boolean
  method: UploadMethod
  range_start: null | string
  range_end: string
  profile: ProfileOrNone
  format: ExportFormat
  content_type: string
  rows: number
  columns: string[]
  sample: Array<Record<string, JsonValue>>
  bytes: number
  sha256: string
  /** Sent with a POST; a PUT sends none (null). */
  idempotency_key: null | string
  /** Whether DEVTRACE_UPLOAD_TOKEN is set and so sent as a bearer token; never its value. */
  token: boolean
  /** DEVTRACE_UPLOAD_TOKEN is set but --method put does not send it. */
  token_unused?: boolean
}
