import type {DuckDBConnection} from '@duckdb/node-api'

import {randomBytes} from 'node:crypto'

import {DevtraceError} from '../core/errors.js'

/** The columns of `events`, in order: the public shape every reader and export relies on. */
export const EVENT_COLUMNS = [
  'ts', 'session_id', 'kind', 'key_code', 'key_class', 'x', 'y', 'button', 'wheel_amount', 'wheel_direction', 'modifiers', 'app', 'hold_ms',
] as const

/**
 * The rows of `events` from the four tables that hold them, plus `seq`: a tie-breaker for equal
 * stamps, deterministic for a given file (rowid times 8, plus which source the row came from).
 * Compacted tables are filled in time order, so their rowids follow time; a keystroke's release
 * gets its own tag. Every column is cast to the type `events` has always had.
 */
function eventRowsSql(): string {
  const row = (columns: Record<(typeof EVENT_COLUMNS)[number], string>, seq: string): string =>
    `SELECT ${EVENT_COLUMNS.map(name => `${columns[name]} AS ${name}`).join(', ')}, ${seq} AS seq`
  const wide = (table: string, tag: number): string => `${row({
    ts: tag === 0 ? 'ts' : 'ts::TIMESTAMP',
    session_id: 'session_id',
    kind: 'kind',
    key_code: 'key_code',
    key_class: 'key_class',
    x: 'x',
    y: 'y',
    button: 'button',
    wheel_amount: 'wheel_amount',
    wheel_direction: 'wheel_direction',
    modifiers: 'modifiers',
    app: 'app',
    hold_ms: 'hold_ms',
  }, `rowid * 8 + ${tag}`)} FROM ${table}`
  const none = {
    button: 'NULL::TINYINT', wheel_amount: 'NULL::SMALLINT', wheel_direction: 'NULL::VARCHAR',
  }
  const moves = `${row({
    ts: 'ts::TIMESTAMP', session_id: 'session_id', kind: '\'mouse_move\'', key_code: 'NULL::INTEGER', key_class: 'NULL::VARCHAR',
    x: 'x', y: 'y', ...none, modifiers: 'NULL::VARCHAR', app: 'app', hold_ms: 'NULL::INTEGER',
  }, 'rowid * 8 + 1')} FROM events_moves`
  const keyHalf = (kind: 'key_down' | 'key_up', tag: number): string => `${row({
    ts: kind === 'key_down' ? 'ts::TIMESTAMP' : 'ts::TIMESTAMP + to_milliseconds(up_after_ms)',
    session_id: 'session_id', kind: `'${kind}'`, key_code: 'key_code', key_class: 'key_class',
    x: 'NULL::INTEGER', y: 'NULL::INTEGER', ...none,
    modifiers: kind === 'key_down' ? 'modifiers' : 'up_modifiers', app: 'app',
    hold_ms: kind === 'key_down' ? 'NULL::INTEGER' : 'hold_ms',
  }, `rowid * 8 + ${tag}`)} FROM events_keys`
  return [wide('events_live', 0), moves, keyHalf('key_down', 2), keyHalf('key_up', 3), wide('events_other', 4)].join('\n  UNION ALL ')
}

/** How many rows of `events` tables with these row counts hold: one keystroke row is a key_down and a key_up. */
export function eventsInTables(rows: Record<string, number>): number {
  return (rows.events_live ?? 0) + (rows.events_moves ?? 0) + 2 * (rows.events_keys ?? 0) + (rows.events_other ?? 0)
}

/**
 * The public schema, versioned. Each migration runs once, in order, inside one transaction,
 * when a database is opened for writing. Never edit a migration that has shipped: add one.
 *
 * `events` has no primary key or index on purpose: the Appender stays fast and DuckDB's
 * zone maps already prune by time.
 */
const MIGRATIONS: ReadonlyArray<{version: number; statements: Array<(() => string) | string>}> = [
  {
    version: 1,
    statements: [
      'CREATE SEQUENCE IF NOT EXISTS session_id_seq START 1',
      `CREATE TABLE sessions (
        id INTEGER NOT NULL DEFAULT nextval('session_id_seq'),
        started_at TIMESTAMP NOT NULL,
        ended_at TIMESTAMP,
        level VARCHAR NOT NULL,
        host VARCHAR,
        platform VARCHAR,
        version VARCHAR
      )`,
      `CREATE TABLE events (
        ts TIMESTAMP NOT NULL,
        session_id INTEGER NOT NULL,
        kind VARCHAR NOT NULL,
        key_code INTEGER,
        key_class VARCHAR,
        x INTEGER,
        y INTEGER,
        button TINYINT,
        wheel_amount SMALLINT,
        wheel_direction VARCHAR,
        modifiers VARCHAR,
        app VARCHAR
      )`,
      'CREATE SEQUENCE IF NOT EXISTS audit_id_seq START 1',
      `CREATE TABLE audit_log (
        id INTEGER NOT NULL DEFAULT nextval('audit_id_seq'),
        ts TIMESTAMP NOT NULL,
        action VARCHAR NOT NULL,
        outcome VARCHAR NOT NULL,
        range_start TIMESTAMP,
        range_end TIMESTAMP,
        profile VARCHAR,
        format VARCHAR,
        rows BIGINT,
        bytes BIGINT,
        sha256 VARCHAR,
        destination VARCHAR,
        detail VARCHAR
      )`,
    ],
  },
  {
    // The metrics rollup (src/analysis/rollup.ts): per-event quantities summed per 15-minute slot
    // and app, kept current by the daemon and before each summary, so `summarize` on a year of
    // events reads thousands of rows instead of a hundred million. Derived data only: it can be
    // dropped and rebuilt from `events` at any time, and gives exactly what the raw events give.
    version: 2,
    statements: [
      `CREATE TABLE rollup_slots (
        slot TIMESTAMP NOT NULL,
        app VARCHAR,
        events BIGINT NOT NULL,
        keys BIGINT NOT NULL,
        corrections BIGINT NOT NULL,
        clicks BIGINT NOT NULL,
        wheel BIGINT NOT NULL,
        bursts BIGINT NOT NULL,
        first_ts TIMESTAMP NOT NULL,
        last_ts TIMESTAMP NOT NULL
      )`,
      `CREATE TABLE rollup_gaps (
        slot TIMESTAMP NOT NULL,
        app VARCHAR,
        seconds INTEGER NOT NULL,
        gaps BIGINT NOT NULL,
        gap_us BIGINT NOT NULL,
        steps BIGINT NOT NULL,
        step_px DOUBLE NOT NULL
      )`,
      `CREATE TABLE rollup_key_intervals (
        slot TIMESTAMP NOT NULL,
        app VARCHAR,
        ms INTEGER NOT NULL,
        n BIGINT NOT NULL
      )`,
      'CREATE TABLE rollup_state (covered_until TIMESTAMP NOT NULL, events BIGINT NOT NULL, refreshed_at TIMESTAMP NOT NULL)',
    ],
  },
  {
    // Small per-database facts. `app_salt` salts the hash the `coarse` profile puts in place of app
    // names (src/privacy/profiles.ts): random per database, from the OS CSPRNG, never exported, so
    // a recipient cannot test guesses ("firefox"?) against the hashes.
    version: 3,
    statements: [
      'CREATE TABLE meta (key VARCHAR NOT NULL, value VARCHAR NOT NULL)',
      () => `INSERT INTO meta VALUES ('app_salt', '${randomBytes(32).toString('hex')}')`,
    ],
  },
  {
    // Window titles, only with `capture_titles` on (src/daemon/app-context.ts): one row each time
    // the focused window or its title changes. Titles hold file names, URLs and chat partners,
    // so they live apart from `events` and the `coarse` profile drops this table whole.
    version: 4,
    statements: [
      `CREATE TABLE windows (
        ts TIMESTAMP NOT NULL,
        session_id INTEGER NOT NULL,
        app VARCHAR,
        title VARCHAR
      )`,
    ],
  },
  {
    // Hold time (dwell) on `key_up` rows: key press to release of the same physical key, paired by
    // code as events arrive (src/capture/key-pairing.ts), so `standard` gets the strongest typing
    // rhythm feature without key identity. NULL on other rows, at `minimal`, and in older rows.
    version: 5,
    statements: [
      'ALTER TABLE events ADD COLUMN hold_ms INTEGER',
      // Workflow metrics (src/analysis/workflow-sql.ts): runs of consecutive actions in one app,
      // cut at app changes, pauses and slot boundaries, so app switches, focus sessions and
      // interruptions over a year read these rows, not every event. Derived data, like rollup_*.
      `CREATE TABLE rollup_app_runs (
        slot TIMESTAMP NOT NULL,
        app VARCHAR,
        start_ts TIMESTAMP NOT NULL,
        end_ts TIMESTAMP NOT NULL,
        first_key_ts TIMESTAMP,
        actions BIGINT NOT NULL,
        shortcuts BIGINT NOT NULL
      )`,
      // Keystroke dynamics rollup (src/analysis/dynamics-sql.ts): hold, flight and digraph
      // interval histograms per slot (and app, for holds and flights), in whole ms.
      'CREATE TABLE rollup_holds (slot TIMESTAMP NOT NULL, app VARCHAR, ms INTEGER NOT NULL, n BIGINT NOT NULL)',
      'CREATE TABLE rollup_flights (slot TIMESTAMP NOT NULL, app VARCHAR, ms INTEGER NOT NULL, n BIGINT NOT NULL)',
      `CREATE TABLE rollup_digraphs (
        slot TIMESTAMP NOT NULL,
        from_class VARCHAR NOT NULL,
        to_class VARCHAR NOT NULL,
        from_code INTEGER,
        to_code INTEGER,
        ms INTEGER NOT NULL,
        n BIGINT NOT NULL
      )`,
      // A rollup built before these tables has nothing in them for the slots it covers: emptying
      // rollup_state makes the next refresh rebuild every slot.
      'DELETE FROM rollup_state',
    ],
  },
  {
    // Which capture backend recorded a session: `hook` (uiohook-napi: X11, macOS, Windows) or
    // `evdev` (the kernel's input devices). Pointer positions differ in meaning between them
    // (screen pixels vs a position integrated from relative motion, in device units), so
    // distances and the coarse grid read it. Every session before this migration used the hook.
    version: 6,
    statements: [
      'ALTER TABLE sessions ADD COLUMN backend VARCHAR',
      "UPDATE sessions SET backend = 'hook'",
      // Mouse distance in device units (evdev sessions), kept apart from step_px (screen pixels)
      // in the rollup (src/analysis/metrics-sql.ts). Derived data: emptying rollup_state makes the
      // next refresh rebuild every slot with both columns.
      'ALTER TABLE rollup_gaps ADD COLUMN step_counts DOUBLE DEFAULT 0',
      'DELETE FROM rollup_state',
    ],
  },
  {
    // Compact storage (src/store/compaction.ts). Recent rows stay in `events_live`, the wide table
    // the daemon's Appender writes (µs stamps); past days are moved in the background into narrow
    // tables at ms resolution: pointer moves (most rows) without their always-NULL columns, and one
    // row per keystroke instead of a key_down and a key_up row. Whatever fits neither keeps the wide
    // shape in `events_other`. `events` becomes a view with the columns, names and types it always
    // had, so every query, export and rewrite reads it unchanged; `event_rows` adds a tie-breaker
    // for equal stamps, since a view has no rowid.
    version: 7,
    statements: [
      'ALTER TABLE events RENAME TO events_live',
      `CREATE TABLE events_moves (
        ts TIMESTAMP_MS NOT NULL,
        session_id INTEGER NOT NULL,
        x INTEGER NOT NULL,
        y INTEGER NOT NULL,
        app VARCHAR
      )`,
      `CREATE TABLE events_keys (
        ts TIMESTAMP_MS NOT NULL,
        session_id INTEGER NOT NULL,
        up_after_ms INTEGER NOT NULL,
        key_code INTEGER,
        key_class VARCHAR,
        modifiers VARCHAR,
        up_modifiers VARCHAR,
        hold_ms INTEGER,
        app VARCHAR
      )`,
      `CREATE TABLE events_other (
        ts TIMESTAMP_MS NOT NULL,
        session_id INTEGER NOT NULL,
        kind VARCHAR NOT NULL,
        key_code INTEGER,
        key_class VARCHAR,
        x INTEGER,
        y INTEGER,
        button TINYINT,
        wheel_amount SMALLINT,
        wheel_direction VARCHAR,
        modifiers VARCHAR,
        app VARCHAR,
        hold_ms INTEGER
      )`,
      `CREATE VIEW event_rows AS ${eventRowsSql()}`,
      `CREATE VIEW events AS SELECT ${EVENT_COLUMNS.join(', ')} FROM event_rows`,
    ],
  },
]

export const SCHEMA_VERSION = Math.max(...MIGRATIONS.map(migration => migration.version))

/** The first schema where `events` is a view over the compacted tables, with `event_rows` beside it. */
const COMPACT_STORAGE_VERSION = 7

/**
 * Let a file that predates compact storage be read as the current one, without writing to it.
 * A read-only open cannot migrate, yet readers use `event_rows` (a tie-breaker for equal stamps)
 * and `hold_ms`: a temporary view — it lives in this connection's memory, never in the file —
 * gives them over the old `events` table. A file opened for writing is migrated instead.
 */
export async function readableAsCurrent(connection: DuckDBConnection, version: number): Promise<void> {
  if (version === 0 || version >= COMPACT_STORAGE_VERSION) return
  const reader = await connection.runAndReadAll("SELECT column_name AS c FROM duckdb_columns() WHERE schema_name = 'main' AND table_name = 'events'")
  const present = new Set(reader.getRowObjects().map(row => String(row.c)))
  // hold_ms arrived in version 5; every other column of `events` was there from version 1.
  const columns = EVENT_COLUMNS.map(name => (present.has(name) ? name : `NULL::INTEGER AS ${name}`))
  await connection.run(`CREATE OR REPLACE TEMP VIEW event_rows AS SELECT ${columns.join(', ')}, rowid * 8 AS seq FROM main.events`)
}

export async function currentSchemaVersion(connection: DuckDBConnection): Promise<number> {
  const exists = await connection.runAndReadAll('SELECT count(*)::INTEGER AS n FROM duckdb_tables() WHERE table_name = \'schema_version\' AND schema_name = \'main\'')
  if (Number(exists.getRowObjects()[0].n) === 0) return 0
  const reader = await connection.runAndReadAll('SELECT coalesce(max(version), 0)::INTEGER AS v FROM schema_version')
  return Number(reader.getRowObjects()[0].v)
}

/** Refuse a database written by a newer devtrace rather than misreading it. */
export function assertKnownVersion(version: number, file: string): void {
  if (version > SCHEMA_VERSION) {
    throw new DevtraceError(
      `${file} uses schema version ${version}, newer than this devtrace understands (${SCHEMA_VERSION}).`,
      {suggestion: 'Upgrade devtrace to read this database.'},
    )
  }
}

/** Tables and views some migration creates: a file that has one of them but no schema_version was not made by devtrace. */
const OWN_TABLES = MIGRATIONS.flatMap(migration => migration.statements)
.map(statement => (typeof statement === 'string' ? /^CREATE (?:TABLE|VIEW) (\w+)/.exec(statement)?.[1] : undefined))
.filter(name => name !== undefined)

/**
 * The schema version of a file devtrace can use: refused when a newer devtrace wrote it, or when
 * it is some other program's DuckDB database that happens to use our table names (migrating it
 * would fail half-way, and reading it would fail on the first missing column).
 */
export async function usableSchemaVersion(connection: DuckDBConnection, file: string): Promise<number> {
  const version = await currentSchemaVersion(connection)
  assertKnownVersion(version, file)
  if (version > 0) return version
  const names = OWN_TABLES.map(name => `'${name}'`).join(', ')
  const reader = await connection.runAndReadAll(`SELECT table_name FROM duckdb_tables() WHERE schema_name = 'main' AND table_name IN (${names})
     UNION SELECT view_name FROM duckdb_views() WHERE schema_name = 'main' AND NOT internal AND view_name IN (${names}) ORDER BY 1`)
  const foreign = reader.getRowObjects().map(row => String(row.table_name))
  if (foreign.length > 0) {
    throw new DevtraceError(
      `${file} is not a devtrace database: it has ${foreign.length === 1 ? 'a table' : 'tables'} named ${foreign.map(name => `"${name}"`).join(', ')} but no devtrace schema version.`,
      {suggestion: 'Move the file aside (devtrace then creates a new one), or point DEVTRACE_HOME at another folder.'},
    )
  }

  return version
}

/**
 * Bring the file to the current schema. `upTo` stops at an older version: a database as an
 * older devtrace left it, for the tests of later migrations (migrations never change once shipped).
 */
export async function migrate(connection: DuckDBConnection, file: string, {upTo = SCHEMA_VERSION} = {}): Promise<void> {
  const version = await usableSchemaVersion(connection, file)
  // Versions are reserved ahead and may land out of order (3 before 2), so apply every migration
  // not yet recorded, in version order, rather than only those above the highest one.
  const applied = version === 0 ? new Set<number>() : await appliedVersions(connection)
  const pending = MIGRATIONS.filter(migration => !applied.has(migration.version) && migration.version <= upTo).sort((a, b) => a.version - b.version)
  if (pending.length === 0) return

  await connection.run('BEGIN TRANSACTION')
  try {
    await connection.run('CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL, applied_at TIMESTAMP NOT NULL)')
    for (const migration of pending) {
      for (const statement of migration.statements) await connection.run(typeof statement === 'function' ? statement() : statement)
      await connection.run('INSERT INTO schema_version VALUES ($version, make_timestamp($at::BIGINT))', {
        version: migration.version,
        at: BigInt(Date.now()) * 1000n,
      })
    }

    await connection.run('COMMIT')
  } catch (error) {
    // The first error says what went wrong (a full disk, say); a failing ROLLBACK would only hide it.
    await connection.run('ROLLBACK').catch(() => {})
    throw error
  }

  // Put the new schema in the file itself before anything is captured. DuckDB cannot replay
  // some schema changes from its write-ahead log (an ALTER TABLE … ADD COLUMN on `sessions`,
  // whose id defaults to nextval(), fails with an internal error), so after a kill -9 the whole
  // log — the schema change and every event flushed after it — would have to be moved aside.
  await connection.run('CHECKPOINT')
}

async function appliedVersions(connection: DuckDBConnection): Promise<Set<number>> {
  const reader = await connection.runAndReadAll('SELECT DISTINCT version::INTEGER AS v FROM schema_version')
  return new Set(reader.getRowObjects().map(row => Number(row.v)))
}
