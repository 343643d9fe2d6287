import type {DuckDBConnection} from '@duckdb/node-api'

import os from 'node:os'

import type {CaptureBackend} from '../core/capture-backend.js'
import type {Level} from '../core/level.js'

/** Sessions left open by a crash end at their last recorded event (or their start). */
export async function closeOrphanSessions(connection: DuckDBConnection): Promise<void> {
  await connection.run(`
    UPDATE sessions SET ended_at = coalesce(
      (SELECT max(e.ts) FROM events e WHERE e.session_id = sessions.id), started_at)
    WHERE ended_at IS NULL`)
}

export interface SessionStart {
  level: Level
  backend: CaptureBackend
  version: string
  startedMicros: number
}

export async function beginSession(connection: DuckDBConnection, session: SessionStart): Promise<number> {
  const {level, backend, version} = session
  const reader = await connection.runAndReadAll(
    `INSERT INTO sessions (started_at, level, host, platform, version, backend)
     VALUES (make_timestamp($start::BIGINT), $level, $host, $platform, $version, $backend) RETURNING id`,
    {
      start: BigInt(session.startedMicros),
      level,
      backend,
      host: os.hostname(),
      platform: `${process.platform}-${process.arch}`,
      version,
    },
  )
  return Number(reader.getRowObjects()[0].id)
}

export async function endSession(connection: DuckDBConnection, sessionId: number, endedMicros: number): Promise<void> {
  await connection.run('UPDATE sessions SET ended_at = make_timestamp($end::BIGINT) WHERE id = $id', {
    end: BigInt(endedMicros),
    id: sessionId,
  })
}
