/**
 * bench/memory-floor.mjs: the memory floor of the capture daemon's runtime (issue 15): a bare Node
 * process that loads uiohook-napi with the hook running and opens the given database with the
 * DuckDB client (the package @duckdb/node-api), and does nothing else. Prints "ready"; SIGTERM ends it.
 *
 *   DISPLAY=:N node bench/memory-floor.mjs /path/to/devtrace.duckdb
 */
import {createRequire} from 'node:module'
import {uIOhook} from 'uiohook-napi'

// As the daemon loads it (src/store/open-database.ts): require(), not import().
const {DuckDBInstance} = createRequire(import.meta.url)('@duckdb/node-api')
let events = 0
uIOhook.on('input', () => {
  events++
})
uIOhook.start()
const instance = await DuckDBInstance.create(process.argv[2])
const connection = await instance.connect()
await connection.run('SELECT count(*) FROM events')
process.stdout.write('ready\n')
process.once('SIGTERM', () => {
  uIOhook.stop()
  connection.closeSync()
  process.stdout.write(JSON.stringify({events}) + '\n', () => process.exit(0))
})
setInterval(() => {}, 1 << 30)
