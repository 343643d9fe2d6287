import {X509Certificate} from 'node:crypto'
import {
  chmodSync, constants, copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync,
} from 'node:fs'
import path from 'node:path'

import type {Config} from '../config/config.js'
import type {StatePaths} from '../config/paths.js'
import type {Io} from '../core/io.js'
import type {OperationParams} from '../operations.js'
import type {Payload} from './upload-payload.js'
import type {UploadPreview} from './upload-preview.js'
import type {SendResult} from './upload.js'

import {DevtraceError, errorMessage, UsageError} from '../core/errors.js'
import {isoFromMicros} from '../core/values.js'
import {exposureOfProfile} from '../privacy/exposure-run.js'
import {type ProfileOrNone} from '../privacy/profiles.js'
import {runOperation} from '../run-operation.js'
import {noDatabaseError} from '../store/backend.js'
import {requireConsent} from '../ui/consent.js'
import {exposureLine} from '../ui/exposure-view.js'
import {formatBytes} from '../ui/format.js'
import {parseRange, toMicros} from '../ui/time.js'
import {requireTypedConsent} from '../ui/typed-consent.js'
import {progressReporter, renderPreview} from '../ui/upload-view.js'
import {checkDestination, CONTENT_TYPES, type ExportFormat} from './export.js'
import {PAYLOAD_DIR_PREFIX, removeStalePayloads} from './upload-payload.js'
import {
  checkContentType, checkUploadUrl, type Destination, idempotencyKey, oneLine, uploadHeaders, type UploadMethod, uploadToken,
} from './upload-policy.js'
import {uploadTarget} from './upload-target.js'

/**
 * `devtrace upload`, start to end: check the destination and flags (before anything is built),
 * build the payload where the database is held, preview it, ask, send it (upload.ts), and enter
 * the outcome in the ledger. The payload lives in a private folder under the state folder and is
 * removed afterwards, whatever happens.
 */

export interface UploadFlags {
  to?: string
  /** A file holding the URL (kept out of argv, which `ps` shows). */
  toFile?: string
  /** Default post. */
  method?: UploadMethod
  /** Default: the format's type. */
  contentType?: string
  redact?: string
  format?: string
  since?: string
  until?: string
  dryRun: boolean
  save?: string
  force: boolean
  yes: boolean
  ca?: string
  retries: number
  timeoutSeconds: number
}

export interface UploadContext {
  flags: UploadFlags
  paths: StatePaths
  settings: Config
  version: string
  /** Where DEVTRACE_UPLOAD_TOKEN and DEVTRACE_UPLOAD_URL are read; default process.env. */
  env?: NodeJS.ProcessEnv
}

export interface UploadOutput {
  sent: boolean
  dry_run: boolean
  /** Why nothing was sent, when nothing was. */
  reason?: 'dry run' | 'no rows'
  status?: number
  attempts?: number
  audit_id?: number
  /** Where --save wrote the payload. */
  saved: null | string
  preview: UploadPreview
}

export const DEFAULT_UPLOAD_PROFILE: ProfileOrNone = 'aggregate'
export const DEFAULT_UPLOAD_FORMAT: ExportFormat = 'parquet'

/** Read --ca: a readable PEM file with at least one certificate, for an https:// destination. */
export function readCa(file: string, destination: Destination): string {
  if (!destination.secure) throw new UsageError('--ca applies to https:// destinations only.')
  let pem: string
  try {
    pem = readFileSync(file, 'utf8')
  } catch (error) {
    throw new UsageError(`Cannot read the --ca file ${file}: ${(error as NodeJS.ErrnoException).code ?? errorMessage(error)}.`)
  }

  try {
    if (!pem.includes('-----BEGIN CERTIFICATE-----')) throw new Error('no certificate')
    // eslint-disable-next-line no-new
    new X509Certificate(pem)
  } catch {
    throw new UsageError(`The --ca file ${file} holds no PEM certificate.`, 'Give a file with -----BEGIN CERTIFICATE----- blocks.')
  }

  return pem
}

function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? '' : 's'}`
}

/**
 * The ledger's `detail` for an upload: the outcome, the attempts and the Idempotency-Key of a
 * POST (a PUT says so instead: it sends none); never a header value.
 */
export function ledgerDetail(result: SendResult, key: null | string): string {
  const attempts = result.attempts.map(attempt => (attempt.status === undefined ? (attempt.error ?? 'error') : String(attempt.status)))
  const outcome = result.ok ? `HTTP ${result.status}${result.statusText ? ` ${result.statusText}` : ''}` : (result.reason ?? 'failed')
  const how = key === null ? 'PUT to a presigned URL' : `Idempotency-Key ${key}`
  return oneLine(`${outcome}; ${plural(result.attempts.length, 'attempt')} (${attempts.join(', ')}); ${how}`, 500)
}

function failureSuggestion(result: SendResult, token: boolean, method: UploadMethod): string {
  if (method === 'put' && (result.status === 401 || result.status === 403)) {
    return 'The store refused the presigned URL: it may have expired, or been signed for another method, key or Content-Type (give that one with --content-type). Ask for a fresh URL.'
  }

  if (result.tls) return 'If the server uses a private certificate authority, pass its certificate with --ca FILE.'
  if (result.dns) return 'Check the host name in the URL (--to, --to-file, DEVTRACE_UPLOAD_URL or upload.url) and that this machine is online.'
  if (result.status === 401 || result.status === 403) return token ? 'Check DEVTRACE_UPLOAD_TOKEN.' : 'The server wants credentials: set DEVTRACE_UPLOAD_TOKEN.'
  if (result.status === 413) return 'The payload is too large for the server: try a shorter --since/--until range or --redact aggregate.'
  if (result.status !== undefined && result.status >= 300 && result.status < 400) return 'Give the URL it redirects to with --to (redirects are not followed).'
  return 'It is in the ledger as failed (devtrace audit). Try again later, or with more --retries or a longer --timeout.'
}

interface UploadPlan {
  destination: Destination
  method: UploadMethod
  contentType: string
  /** DEVTRACE_UPLOAD_TOKEN is set but not sent (--method put). */
  tokenUnused: boolean
  /** Said on stderr before anything else (even with --json): where others could read the URL's query string. */
  warnings: string[]
  profile: ProfileOrNone
  format: ExportFormat
  sinceMicros?: number
  untilMicros: number
  token?: string
  ca?: string
  save?: string
}

/** Everything that can be refused is refused here, before the payload is built or anything connects. */
export function planUpload(context: UploadContext, now: Date = new Date()): UploadPlan {
  const {flags, paths} = context
  const env = context.env ?? process.env
  const target = uploadTarget({to: flags.to, toFile: flags.toFile}, context.settings.upload.url, env)
  const destination = checkUploadUrl(target.url)
  const method = flags.method ?? 'post'
  const format = (flags.format ?? DEFAULT_UPLOAD_FORMAT) as ExportFormat
  const range = parseRange(flags.since, flags.until, now)
  const until = range.until ?? now
  if (range.since && range.since >= until) throw new UsageError(`--since (${range.since.toISOString()}) is not before --until (${until.toISOString()}).`)
  const save = flags.save === undefined ? undefined : path.resolve(flags.save)
  if (save) checkDestination(save, flags.force, paths.database)
  // A presigned URL is its own credential: the token is neither sent nor checked.
  const tokenSet = Boolean(env.DEVTRACE_UPLOAD_TOKEN?.trim())
  const plan: UploadPlan = {
    destination,
    method,
    contentType: flags.contentType === undefined ? CONTENT_TYPES[format] : checkContentType(flags.contentType),
    tokenUnused: method === 'put' && tokenSet,
    warnings: target.warnings,
    profile: (flags.redact ?? DEFAULT_UPLOAD_PROFILE) as ProfileOrNone,
    format,
    sinceMicros: range.since && toMicros(range.since),
    untilMicros: toMicros(until),
    token: method === 'put' ? undefined : uploadToken(env),
    ca: flags.ca === undefined ? undefined : readCa(flags.ca, destination),
    save,
  }
  if (!existsSync(paths.database)) {
    throw noDatabaseError(paths.database)
  }

  return plan
}

function previewOf(plan: UploadPlan, payload: Payload): UploadPreview {
  return {
    destination: plan.destination.display,
    query_hidden: plan.destination.hasQuery,
    method: plan.method,
    // As the ledger prints them (microseconds, UTC).
    range_start: plan.sinceMicros === undefined ? null : isoFromMicros(plan.sinceMicros),
    range_end: isoFromMicros(plan.untilMicros),
    profile: plan.profile,
    format: plan.format,
    content_type: plan.contentType,
    rows: payload.rows,
    columns: payload.columns,
    sample: payload.sample,
    bytes: payload.bytes,
    sha256: payload.sha256,
    idempotency_key: plan.method === 'put' ? null : idempotencyKey(payload.sha256, plan.destination.url),
    token: plan.token !== undefined,
    ...(plan.tokenUnused && {token_unused: true}),
  }
}

/** A y/N question, or for --redact none the destination host typed out; exit 3 without either. */
async function askConsent(plan: UploadPlan, payload: Payload, yes: boolean, io: Io): Promise<void> {
  const {host} = plan.destination.url
  if (plan.profile === 'none') {
    await requireTypedConsent(io, {
      yes,
      warning: `--redact none sends your data as stored to ${host}: every event, with its exact timing (a biometric), and key codes if recorded at --level full.`,
      phrase: host,
      nothingDone: 'Nothing was sent.',
      yesHint: 'Run it in a terminal to confirm by typing the host, or add --yes (with --redact none) to confirm in advance.',
    })
    return
  }

  await requireConsent(io, {
    yes,
    question: `Send ${plural(payload.rows, 'row')} (${formatBytes(payload.bytes)}, ${plan.profile}) to ${host}?`,
    nothingDone: 'Nothing was sent.',
  })
}

async function send(plan: UploadPlan, payload: Payload, run: {context: UploadContext; io: Io; signal: AbortSignal}): Promise<SendResult> {
  const {context, io, signal} = run
  const {flags} = context
  const headers = uploadHeaders({
    method: plan.method,
    contentType: plan.contentType,
    bytes: payload.bytes,
    sha256: payload.sha256,
    key: idempotencyKey(payload.sha256, plan.destination.url),
    token: plan.token,
    version: context.version,
  })
  const {sendPayload} = await import('./upload.js')
  const progress = progressReporter(io.stderr, payload.bytes)
  try {
    return await sendPayload({
      destination: plan.destination,
      method: plan.method,
      file: payload.file,
      bytes: payload.bytes,
      headers,
      ca: plan.ca,
      retries: flags.retries,
      budgetMs: flags.timeoutSeconds * 1000,
      signal,
      onProgress: sent => progress.update(sent),
      onRetry(info) {
        progress.stop()
        io.stderr.write(`attempt ${info.attempt} of ${flags.retries + 1}: ${info.error}; retrying in ${(info.waitMs / 1000).toFixed(1)} s\n`)
      },
    })
  } finally {
    progress.stop()
  }
}

/** What every ledger entry of this upload says about the payload. */
type LedgerBase = Pick<OperationParams<'audit-record'>, 'bytes' | 'format' | 'profile' | 'rangeEndMicros' | 'rangeStartMicros' | 'rows' | 'sha256'>

function ledgerBaseOf(plan: UploadPlan, payload: Payload): LedgerBase {
  return {
    profile: plan.profile,
    format: plan.format,
    rangeStartMicros: plan.sinceMicros ?? null,
    rangeEndMicros: plan.untilMicros,
    rows: payload.rows,
    bytes: payload.bytes,
    sha256: payload.sha256,
  }
}

/**
 * The preview, with the exposure of the payload (what a recipient could compute from it). With
 * --json stdout holds only the final JSON; a person being asked still sees what they agree to.
 */
async function showPreview(plan: UploadPlan, payload: Payload, context: UploadContext, io: Io): Promise<UploadPreview> {
  const preview = previewOf(plan, payload)
  const {flags} = context
  const asked = io.json && !flags.dryRun && payload.rows > 0 && !flags.yes && io.canPrompt()
  if (io.json && !asked) return preview
  const exposure = await exposureOfProfile(context.paths, plan.profile, {
    sinceMicros: plan.sinceMicros, untilMicros: plan.untilMicros, idleSeconds: context.settings.idle_seconds,
  })
  const text = renderPreview(preview, exposureLine(exposure))
  if (io.json) io.stderr.write(`${text}\n`)
  else io.log(text)
  return preview
}

/** --save: a private copy of the payload, entered in the ledger as an export. */
async function savePayload(save: string, payload: Payload, ledgerBase: LedgerBase, run: {context: UploadContext; io: Io}): Promise<void> {
  const {context, io} = run
  copyFileSync(payload.file, save, context.flags.force ? 0 : constants.COPYFILE_EXCL)
  if (process.platform !== 'win32') chmodSync(save, 0o600)
  await runOperation(context.paths, 'audit-record', {
    ...ledgerBase, action: 'export', outcome: 'ok', destination: save, detail: 'upload payload (upload --save)',
  })
  if (!io.json) io.log(`Saved the payload to ${save}.`)
}

/** The outcome goes to the ledger before anything else: a failure as failed, never as sent. */
async function recordOutcome(paths: StatePaths, ledgerBase: LedgerBase, result: SendResult, preview: UploadPreview): Promise<number> {
  const {audit_id: auditId} = await runOperation(paths, 'audit-record', {
    ...ledgerBase,
    action: 'upload',
    outcome: result.ok ? 'sent' : 'failed',
    destination: preview.destination,
    detail: ledgerDetail(result, preview.idempotency_key),
  }).catch((error: unknown) => {
    const what = result.ok ? `The upload was sent (HTTP ${result.status})` : 'The upload failed'
    throw new DevtraceError(`${what}, but it could not be entered in the ledger: ${errorMessage(error)}`, {cause: error})
  })
  return auditId
}

/** A failed send as one error (interrupted or not); a successful one as one line. */
function reportOutcome(result: SendResult, auditId: number, run: {interrupted: boolean; io: Io; plan: UploadPlan; preview: UploadPreview}): void {
  const {io, plan, preview} = run
  const attempts = plural(result.attempts.length, 'attempt')
  if (!result.ok) {
    if (run.interrupted) {
      throw new DevtraceError(`The upload to ${preview.destination} was interrupted; the server may have received part of it.`, {
        suggestion: 'It is in the ledger as failed (devtrace audit).',
      })
    }

    throw new DevtraceError(`The upload to ${preview.destination} failed after ${attempts}: ${result.reason}.`, {
      suggestion: failureSuggestion(result, plan.token !== undefined, plan.method),
    })
  }

  if (!io.json) {
    const status = `HTTP ${result.status}${result.statusText ? ` ${result.statusText}` : ''}`
    const what = `${plural(preview.rows, 'row')} (${plan.profile}, ${plan.format}, ${formatBytes(preview.bytes)})`
    io.log(`Sent ${what} to ${preview.destination}: ${status} after ${attempts}. Ledger entry ${auditId}.`)
  }
}

export async function uploadRun(context: UploadContext, io: Io): Promise<UploadOutput> {
  const {flags, paths} = context
  const plan = planUpload(context)
  for (const warning of plan.warnings) io.stderr.write(`${warning}\n`)
  removeStalePayloads(paths.home)
  const dir = mkdtempSync(path.join(paths.home, PAYLOAD_DIR_PREFIX))
  const interrupt = new AbortController()
  let sending = false
  const stopListening = io.onInterrupt(() => {
    interrupt.abort()
    if (sending) return
    // Before anything was sent: nothing to record, only the payload to remove.
    rmSync(dir, {force: true, recursive: true})
    io.exit(130)
  })
  try {
    const payload = await runOperation(paths, 'upload-payload', {
      dir, format: plan.format, profile: plan.profile, sinceMicros: plan.sinceMicros, untilMicros: plan.untilMicros, idleSeconds: context.settings.idle_seconds,
    })
    const preview = await showPreview(plan, payload, context, io)
    const ledgerBase = ledgerBaseOf(plan, payload)
    if (plan.save) await savePayload(plan.save, payload, ledgerBase, {context, io})
    const saved = plan.save ?? null
    if (flags.dryRun || payload.rows === 0) {
      if (!io.json) io.log(flags.dryRun ? 'Dry run: nothing was sent.' : 'No events in the range: nothing was sent.')
      return {
        sent: false, dry_run: flags.dryRun, reason: flags.dryRun ? 'dry run' : 'no rows', saved, preview,
      }
    }

    await askConsent(plan, payload, flags.yes, io)
    sending = true
    const result = await send(plan, payload, {context, io, signal: interrupt.signal})
    const auditId = await recordOutcome(paths, ledgerBase, result, preview)
    reportOutcome(result, auditId, {
      interrupted: interrupt.signal.aborted, io, plan, preview,
    })
    return {
      sent: true, dry_run: false, status: result.status, attempts: result.attempts.length, audit_id: auditId, saved, preview,
    }
  } finally {
    stopListening()
    rmSync(dir, {force: true, recursive: true})
  }
}

export type {UploadPreview} from './upload-preview.js'
