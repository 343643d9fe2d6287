import {Flags} from '@oclif/core'

import type {UploadOutput} from '../transfer/upload-run.js'

import {parseTimeout} from '../core/duration.js'
import {UsageError} from '../core/errors.js'
import {PROFILE_CHOICES} from '../privacy/profiles.js'
import {EXPORT_FORMATS} from '../transfer/export.js'
import {UPLOAD_METHODS, type UploadMethod} from '../transfer/upload-policy.js'
import {BaseCommand} from '../ui/base-command.js'
import {prose} from '../ui/prose.js'
import {TIME_FORMS} from '../ui/time.js'

export default class Upload extends BaseCommand {
  static description = prose(`Send your data to a URL: the only command that sends anything anywhere.

Builds the payload first (default: --redact aggregate as Parquet — one row
per minute with counts and totals, no per-event rows, no key codes), then
shows a preview: destination, range, profile, rows, columns, a few sample
rows, size and sha256. Nothing is sent until you confirm; without a terminal
it needs --yes (exit 3 otherwise). --dry-run only previews; --save PATH also
writes the exact payload to a file.

--redact none sends the data as stored (key codes included at --level full):
on a terminal you must type the destination host to confirm; without one,
--yes with --redact none spelled out.

The destination: --to URL, --to-file PATH (a file holding the URL), the
environment variable DEVTRACE_UPLOAD_URL, or config upload.url, the first
given. A URL's query string is sent but never printed, logged or stored: the
preview, errors and the ledger show scheme, host and path. Given with --to it
is in argv, which other users can read with ps: devtrace warns, use --to-file
or DEVTRACE_UPLOAD_URL.

--method post (default): one HTTP POST with the payload as the body and the
headers Content-Type, X-Devtrace-Sha256 (of the body), Idempotency-Key (the
same for every attempt of the same payload to the same URL) and, when
DEVTRACE_UPLOAD_TOKEN is set, Authorization: Bearer <token> (never printed,
logged or stored).

--method put: one HTTP PUT to a presigned object-storage URL (S3 and
compatible stores), e.g. one signed per participant and day. The URL carries
the signature, so only Content-Type, Content-Length and User-Agent are sent:
no Authorization (even with DEVTRACE_UPLOAD_TOKEN set) and no header of ours.
If the URL was signed for a content type, give it with --content-type
(default: the format's own type). https:// is
verified against the system CAs (plus --ca FILE); http:// is refused (exit
2, before any connection) except to 127.0.0.0/8, ::1 and localhost.
Redirects are not followed.

Connection errors, 408, 429 (a Retry-After of up to 10 s is honoured) and
5xx are retried with exponential backoff and jitter: --retries more attempts
(default 3), giving up once --timeout (default 15 seconds; 30, 30s, 2m) has gone to
connecting, waiting and backing off — time spent sending the body does not
count. Other 4xx are final. A failure exits 1 with the server's status and
the start of its answer. Every upload — sent or failed, with its status,
attempts, size, sha256 and destination (scheme, host and path) — is entered
in the ledger (devtrace audit).`)
  static examples = [
    {command: '<%= config.bin %> upload --to https://example.com/devtrace --dry-run', description: 'Preview the default payload (per-minute totals, Parquet); send nothing.'},
    {command: '<%= config.bin %> upload --to https://example.com/devtrace --since yesterday --until today', description: 'Send yesterday\'s per-minute totals, after a preview and a confirmation.'},
    {command: 'DEVTRACE_UPLOAD_TOKEN=… <%= config.bin %> upload --since 7d --yes --json', description: 'To the configured upload.url with a bearer token, without asking; the result as JSON.'},
    {command: '<%= config.bin %> upload --to https://example.com/devtrace --redact coarse --format csv --dry-run --save payload.csv', description: 'Write the exact coarse CSV payload to payload.csv for inspection; send nothing.'},
    {command: '<%= config.bin %> upload --to https://devtrace.internal/in --ca internal-ca.pem --retries 6 --timeout 2m', description: 'A server with a private CA; retry longer.'},
    {
      command: '<%= config.bin %> upload --method put --to-file ~/study-url.txt --since yesterday --until today --yes',
      description: 'Yesterday\'s per-minute totals as one object, to the presigned URL a study gave you in a file.',
    },
    {
      command: 'DEVTRACE_UPLOAD_URL="$(cat url.txt)" <%= config.bin %> upload --method put --format csv --content-type text/csv --dry-run',
      description: 'The URL from the environment, signed for text/csv; preview only.',
    },
  ]
  static flags = {
    to: Flags.string({description: 'Where to send it: an https:// URL (http:// only to this machine). Default: --to-file, DEVTRACE_UPLOAD_URL, config upload.url.', helpValue: 'URL'}),
    'to-file': Flags.string({description: 'Read the URL from this file (one line), keeping a presigned URL\'s signature out of argv.', helpValue: 'PATH'}),
    method: Flags.string({description: 'post: to a devtrace-aware server (default). put: one object to a presigned object-storage URL, no Authorization header.', options: [...UPLOAD_METHODS]}),
    'content-type': Flags.string({description: 'The Content-Type header (default: the format\'s type), e.g. the one a presigned URL was signed for.', helpValue: 'TYPE'}),
    redact: Flags.string({description: 'Redaction profile of the payload (default: aggregate). none = as stored, needs a typed confirmation.', options: [...PROFILE_CHOICES]}),
    format: Flags.string({description: 'Payload format (default: parquet).', options: [...EXPORT_FORMATS]}),
    since: Flags.string({description: `Events at or after this time: ${TIME_FORMS}.`}),
    until: Flags.string({description: 'Events before this time (same forms as --since; default: now).'}),
    'dry-run': Flags.boolean({description: 'Show the preview and send nothing.'}),
    save: Flags.string({description: 'Also write the exact payload to this file (never overwritten without --force).', helpValue: 'PATH'}),
    force: Flags.boolean({description: 'Let --save overwrite an existing file.'}),
    yes: Flags.boolean({char: 'y', description: 'Do not ask for confirmation (needed without a terminal; with --redact none it must be spelled out).'}),
    ca: Flags.string({description: 'A PEM file of extra CA certificates to trust (added to the system ones) for an https:// destination.', helpValue: 'FILE'}),
    retries: Flags.integer({
      description: 'Attempts after the first, on transient failures.', default: 3, min: 0, max: 20,
    }),
    timeout: Flags.string({
      description: 'Give up after this long connecting, waiting and backing off (sending the body does not count): seconds (15) or a duration (30s, 2m), up to 1h.', default: '15', helpValue: 'DURATION',
    }),
  }

  async run(): Promise<UploadOutput> {
    const {flags} = await this.parse(Upload)
    const {uploadRun} = await import('../transfer/upload-run.js')
    return uploadRun({
      flags: {
        to: flags.to,
        toFile: flags['to-file'],
        method: flags.method as UploadMethod | undefined,
        contentType: flags['content-type'],
        redact: flags.redact,
        format: flags.format,
        since: flags.since,
        until: flags.until,
        dryRun: flags['dry-run'],
        save: flags.save,
        force: flags.force,
        yes: flags.yes,
        ca: flags.ca,
        retries: flags.retries,
        timeoutSeconds: uploadTimeoutSeconds(flags.timeout),
      },
      paths: this.paths,
      settings: this.loadSettings(),
      version: this.config.version,
    }, this.io)
  }
}

/** An upload always has a limit (it retries): more than 0, at most an hour. */
function uploadTimeoutSeconds(text: string): number {
  const milliseconds = parseTimeout(text, '--timeout')
  if (milliseconds <= 0 || milliseconds > 3_600_000) {
    throw new UsageError(`--timeout "${text}" is out of range for upload.`, 'Give between 1 second and 1 hour, like 30, 30s or 2m.')
  }

  return milliseconds / 1000
}
