import type {JsonValue} from '../core/values.js'
import type {ProfileOrNone} from '../privacy/profiles.js'
import type {ExportFormat} from './export.js'

/** What the user sees before consenting; also the `preview` of the --json output. */
export interface UploadPreview {
  destination: string
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
  idempotency_key: string
  /** Whether DEVTRACE_UPLOAD_TOKEN is set (and so sent as a bearer token); never its value. */
  token: boolean
}
