import {
  chmodSync, existsSync, readdirSync, rmSync, statSync, writeFileSync,
} from 'node:fs'
import path from 'node:path'
import {z} from 'zod'

import {oneOf} from '../core/params.js'
import {type JsonValue, toJsonValue} from '../core/values.js'
import {type ProfileOrNone, profileSelect} from '../privacy/profiles.js'
import {defineOperation} from '../store/database-access.js'
import {sqlString} from '../store/sql-text.js'
import {
  EXPORT_FORMATS, type ExportFormat, selectionParams, sha256File, writeProfileFile,
} from './export.js'

/**
 * The upload payload: the profile's rows written once to a private file by DuckDB (the same
 * writer as `export`), where the database is held — inside the daemon when it runs. That one
 * file is what the preview describes, what --save copies and what is sent, so the sha256 shown
 * is the sha256 of the bytes that leave. It is not entered in the ledger here: the upload is,
 * once its outcome is known.
 */

export const PAYLOAD_DIR_PREFIX = '.upload-'
const SAMPLE_ROWS = 3

export const payloadParams = selectionParams.extend({
  /** A private folder (0700) for the payload; the caller removes it. */
  dir: z.string().default('').refine(dir => path.isAbsolute(dir) && existsSync(dir) && statSync(dir).isDirectory(), {
    error: issue => `The payload folder must be an existing absolute path (got "${String(issue.input)}").`,
  }),
  format: oneOf(EXPORT_FORMATS, 'format'),
})

export type PayloadParams = z.output<typeof payloadParams>

export interface Payload {
  file: string
  format: ExportFormat
  profile: ProfileOrNone
  rows: number
  bytes: number
  sha256: string
  columns: string[]
  /** The first rows, read back from the payload file itself. */
  sample: Array<Record<string, JsonValue>>
}

const READERS: Record<ExportFormat, (quoted: string) => string> = {
  parquet: quoted => `read_parquet(${quoted})`,
  // As text, exactly as the file has it.
  csv: quoted => `read_csv(${quoted}, header = true, all_varchar = true)`,
  json: quoted => `read_json(${quoted}, format = 'array')`,
  ndjson: quoted => `read_json(${quoted}, format = 'newline_delimited')`,
}

export const uploadPayloadOperation = defineOperation(payloadParams, async (db, params): Promise<Payload> => {
  const file = path.join(params.dir, `payload.${params.format}`)
  const filter = {sinceMicros: params.sinceMicros, untilMicros: params.untilMicros}
  const connection = await db.connect()
  try {
    // Created private before DuckDB writes into it.
    writeFileSync(file, '', {mode: 0o600})
    const rows = await writeProfileFile(connection, file, {
      profile: params.profile, filter, format: params.format, idleSeconds: params.idleSeconds,
    })
    if (process.platform !== 'win32') chmodSync(file, 0o600)
    const {sql, params: queryParams} = profileSelect(params.profile, filter, {idleSeconds: params.idleSeconds})
    // LIMIT 0: the column names without running the profile again.
    const columns = (await connection.runAndReadAll(`SELECT * FROM (${sql}) LIMIT 0`, queryParams)).columnNames()
    let sample: Array<Record<string, JsonValue>> = []
    if (rows > 0) {
      const quoted = sqlString(file)
      const reader = await connection.runAndReadAll(`SELECT * FROM ${READERS[params.format](quoted)} LIMIT ${SAMPLE_ROWS}`)
      sample = reader.getRowObjects().map(row => Object.fromEntries(Object.entries(row).map(([key, value]) => [key, toJsonValue(value)])))
    }

    return {
      file, format: params.format, profile: params.profile, rows, bytes: statSync(file).size, sha256: await sha256File(file), columns, sample,
    }
  } finally {
    connection.closeSync()
  }
})

/**
 * Payload folders left behind by an upload that was killed (SIGKILL, a power cut) — they hold
 * data that `forget` would not reach. Removed when older than `maxAgeMs`, so a concurrent upload's
 * folder is left alone.
 */
export function removeStalePayloads(home: string, maxAgeMs = 60 * 60 * 1000, now = Date.now()): string[] {
  const removed: string[] = []
  let names: string[]
  try {
    names = readdirSync(home)
  } catch {
    return removed
  }

  for (const name of names) {
    if (!name.startsWith(PAYLOAD_DIR_PREFIX)) continue
    const dir = path.join(home, name)
    try {
      if (now - statSync(dir).mtimeMs > maxAgeMs) {
        rmSync(dir, {force: true, recursive: true})
        removed.push(dir)
      }
    } catch {
      // Gone already.
    }
  }

  return removed
}
