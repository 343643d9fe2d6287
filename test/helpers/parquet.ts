import {
  asyncBufferFromFile, parquetMetadataAsync, parquetReadObjects, parquetSchema,
} from 'hyparquet'
import {compressors} from 'hyparquet-compressors'

export interface ParquetContents {
  /** Every row; timestamps as their raw microseconds since the epoch, in decimal. */
  rows: Array<Record<string, unknown>>
  /** The timestamp columns and their logical type (isAdjustedToUTC, unit). */
  timestamps: Array<{name: string; logical: unknown}>
}

/**
 * Read a Parquet file with hyparquet, a reader independent of DuckDB (which wrote it). Raw
 * microseconds rather than Dates, so nothing is rounded to milliseconds on the way.
 */
export async function readParquet(file: string): Promise<ParquetContents> {
  const buffer = await asyncBufferFromFile(file)
  const metadata = await parquetMetadataAsync(buffer)
  const timestamps = parquetSchema(metadata).children
  .filter(child => child.element.logical_type?.type === 'TIMESTAMP')
  .map(child => ({name: child.element.name, logical: child.element.logical_type}))
  const rows = await parquetReadObjects({
    file: buffer, metadata, compressors, parsers: {timestampFromMicroseconds: String},
  }) as Array<Record<string, unknown>>
  return {rows, timestamps}
}
