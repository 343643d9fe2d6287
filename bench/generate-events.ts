/**
 * Fill a devtrace database with N synthetic events quickly, in SQL (the shapes match real
 * capture: key presses with classes, mouse paths, clicks, wheel). For read benchmarks, where
 * how the rows were made does not matter but their number and shape do.
 *
 *   node --import tsx bench/generate-events.ts FILE N
 */
import {closeDatabase, openDatabase} from '../src/store/open-database.js'
import {migrate} from '../src/store/schema.js'

export async function generateEvents(file: string, count: number): Promise<void> {
  const db = await openDatabase(file)
  try {
    await migrate(db.connection, file)
    await db.connection.run(`INSERT INTO sessions (started_at, ended_at, level, host, platform, version)
      VALUES (make_timestamp(1767225600000000), make_timestamp(1767225600000000 + ${count}::BIGINT * 50000), 'standard', 'bench', 'linux-x64', 'bench')`)
    // One event every 50 ms on average from 2026-01-01; kinds in a realistic mix.
    await db.connection.run(`
      INSERT INTO events_live
      SELECT make_timestamp(1767225600000000 + i::BIGINT * 50000 + (hash(i) % 20000)::BIGINT) AS ts,
             1 AS session_id,
             k.kind,
             NULL AS key_code,
             CASE WHEN k.kind IN ('key_down', 'key_up') THEN ['letter','letter','letter','letter','space','digit','punctuation','correction','modifier','navigation'][1 + (hash(i // 2) % 10)::INTEGER] END AS key_class,
             CASE WHEN k.kind NOT IN ('key_down', 'key_up') THEN (640 + 500 * sin(i / 300.0))::INTEGER END AS x,
             CASE WHEN k.kind NOT IN ('key_down', 'key_up') THEN (400 + 300 * cos(i / 370.0))::INTEGER END AS y,
             CASE WHEN k.kind IN ('mouse_down', 'mouse_up') THEN 1 END AS button,
             CASE WHEN k.kind = 'wheel' THEN 1 END AS wheel_amount,
             CASE WHEN k.kind = 'wheel' THEN CASE WHEN hash(i) % 4 = 0 THEN 'up' ELSE 'down' END END AS wheel_direction,
             NULL AS modifiers,
             ['code', 'firefox', 'terminal', 'slack'][1 + ((i // 20000) % 4)::INTEGER] AS app,
             CASE WHEN k.kind = 'key_up' THEN (60 + hash(i) % 80)::INTEGER END AS hold_ms
      FROM range(${count}) t(i),
      LATERAL (SELECT CASE
        WHEN i % 100 < 40 THEN CASE WHEN i % 2 = 0 THEN 'key_down' ELSE 'key_up' END
        WHEN i % 100 < 92 THEN 'mouse_move'
        WHEN i % 100 < 94 THEN 'mouse_down'
        WHEN i % 100 < 96 THEN 'mouse_up'
        ELSE 'wheel' END AS kind) k`)
    await db.connection.run('CHECKPOINT')
  } finally {
    closeDatabase(db)
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const [file, count] = [process.argv[2], Number(process.argv[3])]
  if (!file || !Number.isInteger(count) || count <= 0) {
    console.error('usage: generate-events.ts FILE COUNT')
    process.exit(2)
  }

  await generateEvents(file, count)
}
