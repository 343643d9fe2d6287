import type {DuckDBConnection} from '@duckdb/node-api'

/**
 * Which functions a `devtrace query` may call. The rule refuses whatever it does not know:
 *
 * - a scalar or aggregate function is allowed only if it is one of DuckDB's own built-ins
 *   (`internal`, in the `system` catalogue) that DuckDB marks free of side effects and not
 *   VOLATILE, or it is in VOLATILE_READS below;
 * - a built-in macro is allowed only if everything its definition calls is allowed;
 * - a table function is allowed only if it is in TABLE_FUNCTIONS below;
 * - a name that a database defines itself (a macro someone created with a duckdb shell) is
 *   refused: it could shadow a built-in and run anything.
 *
 * So a function a future DuckDB adds, or an extension loads, is refused until it is reviewed
 * and named here; test/unit/read-only.test.ts walks `duckdb_functions()` to prove it.
 */

/** VOLATILE built-ins that only read or compute (random values, ids, the current query). */
export const VOLATILE_READS: ReadonlySet<string> = new Set([
  'current_connection_id',
  'current_query',
  'current_query_id',
  'current_transaction_id',
  'currval',
  'error',
  'gen_random_uuid',
  'random',
  'stats',
  'uuid',
  'uuidv4',
  'uuidv7',
])

/**
 * Table functions that generate values or describe the open databases and nothing else.
 *
 * Table functions that read files (read_csv, read_parquet, read_json, read_text, read_blob,
 * glob, sniff_csv, parquet_metadata, read_duckdb …) are left out on purpose, although the
 * daemon runs as the same user: `query` is about devtrace's data, and the query runs inside the
 * process that records, where reading a FIFO, /dev/zero or a huge file would stall or exhaust
 * capture. A duckdb shell reads files without involving the daemon. Also left out: functions
 * that change state or settings (checkpoint, force_checkpoint, enable_logging, enable_profiling,
 * truncate_duckdb_logs …), run SQL given as text (query, query_table,
 * json_execute_serialized_sql), or reveal secrets (duckdb_secrets, which_secret).
 */
export const TABLE_FUNCTIONS: ReadonlySet<string> = new Set([
  'duckdb_columns',
  'duckdb_constraints',
  'duckdb_databases',
  'duckdb_dependencies',
  'duckdb_extensions',
  'duckdb_functions',
  'duckdb_indexes',
  'duckdb_keywords',
  'duckdb_schemas',
  'duckdb_sequences',
  'duckdb_settings',
  'duckdb_tables',
  'duckdb_types',
  'duckdb_views',
  'generate_series',
  'icu_calendar_names',
  'json_each',
  'json_tree',
  'pg_timezone_names',
  'pragma_collations',
  'pragma_database_size',
  'pragma_metadata_info',
  'pragma_platform',
  'pragma_show',
  'pragma_storage_info',
  'pragma_table_info',
  'pragma_user_agent',
  'pragma_version',
  'range',
  'repeat',
  'repeat_row',
  'unnest',
])

export type CallKind = 'function' | 'table'

export interface FunctionCall {
  name: string
  kind: CallKind
}

const list = (names: ReadonlySet<string>): string => [...names].map(name => `'${name}'`).join(', ')

/**
 * One pass over the catalogue (listing it is the slow part, tens of ms): the built-in scalar,
 * aggregate and table functions the rule allows, every built-in macro with its definition parsed
 * (DuckDB records no side effects for macros), and the names the databases define themselves.
 */
const CATALOGUE_SQL = `
  WITH f AS (
    SELECT lower(function_name) AS name, CASE WHEN function_type = 'table' THEN 'table' ELSE 'function' END AS kind,
      internal AND database_name = 'system' AS builtin, function_type AS type, has_side_effects, stability, macro_definition
    FROM duckdb_functions())
  SELECT DISTINCT name, kind, NOT builtin AS user_defined,
    builtin AND (
      (type IN ('scalar', 'aggregate') AND ((NOT has_side_effects AND stability <> 'VOLATILE') OR name IN (${list(VOLATILE_READS)})))
      OR (type = 'table' AND name IN (${list(TABLE_FUNCTIONS)}))) AS allowed,
    CASE WHEN builtin AND type = 'macro' AND macro_definition IS NOT NULL THEN json_serialize_sql('SELECT ' || macro_definition) END AS tree
  FROM f`

const key = (call: FunctionCall): string => `${call.kind}:${call.name}`

interface Catalogue {
  /** Allowed built-ins, as `kind:name`. */
  allowed: ReadonlySet<string>
  /** Names the attached databases define themselves (lower case): never allowed. */
  userDefined: ReadonlySet<string>
}

const catalogues = new Map<string, Promise<Catalogue>>()

/**
 * The catalogue as the rule sees it, worked out once per set of attached database files: the
 * built-ins depend only on the DuckDB library (devtrace loads no extensions), and the functions a
 * database defines cannot change while it is open here: devtrace never creates one, `query`
 * cannot, and no other program can write to a file this process holds (DuckDB's lock).
 */
async function catalogue(connection: DuckDBConnection): Promise<Catalogue> {
  // A connection that queries run on attaches nothing (ATTACH is refused): remember its answer.
  let known = byConnection.get(connection)
  if (!known) {
    known = catalogueFor(connection)
    byConnection.set(connection, known)
    known.catch(() => byConnection.delete(connection))
  }

  return known
}

const byConnection = new WeakMap<DuckDBConnection, Promise<Catalogue>>()

async function catalogueFor(connection: DuckDBConnection): Promise<Catalogue> {
  const databases = await connection.runAndReadAll('SELECT string_agg(database_name || \'=\' || coalesce(path, \'\'), \'\n\' ORDER BY database_name) AS id FROM duckdb_databases() WHERE NOT internal')
  const id = String(databases.getRowObjects()[0].id)
  let cached = catalogues.get(id)
  if (!cached) {
    cached = readCatalogue(connection)
    catalogues.set(id, cached)
    cached.catch(() => catalogues.delete(id))
  }

  return cached
}

async function readCatalogue(connection: DuckDBConnection): Promise<Catalogue> {
  const rows = (await connection.runAndReadAll(CATALOGUE_SQL)).getRowObjects()
  const userDefined = new Set(rows.filter(row => row.user_defined === true).map(row => String(row.name)))
  const allowed = new Set(rows.filter(row => row.allowed === true).map(row => `${row.kind}:${row.name}`))
  const macros = rows.filter(row => row.tree !== null).map(row => {
    const parsed = JSON.parse(String(row.tree)) as {error: boolean}
    return {name: String(row.name), calls: parsed.error ? undefined : calledFunctions(parsed)}
  })
  // Macros call macros: admit those whose calls are all allowed until nothing changes. One that
  // cannot be parsed stays out.
  let admitted = true
  while (admitted) {
    admitted = false
    for (const macro of macros) {
      const name = `function:${macro.name}`
      if (allowed.has(name) || !macro.calls?.every(call => allowed.has(key(call)))) continue
      allowed.add(name)
      admitted = true
    }
  }

  return {allowed, userDefined}
}

/** The allowed built-ins, as `kind:name` (for tests: the set the rule applies). */
export async function allowedBuiltins(connection: DuckDBConnection): Promise<ReadonlySet<string>> {
  return (await catalogue(connection)).allowed
}

/** Of `calls`, those outside the allowed set (in order, without repeats). */
export async function disallowedCalls(connection: DuckDBConnection, calls: FunctionCall[]): Promise<FunctionCall[]> {
  if (calls.length === 0) return []
  const {allowed, userDefined} = await catalogue(connection)
  const seen = new Set<string>()
  return calls.filter(call => {
    if ((allowed.has(key(call)) && !userDefined.has(call.name)) || seen.has(key(call))) return false
    seen.add(key(call))
    return true
  })
}

type TreeNode = Record<string, unknown>

/** Call `visit` on every object in a parsed statement, with the object holding it. */
function eachNode(tree: unknown, visit: (node: TreeNode, parent: TreeNode | undefined) => void): void {
  const walk = (value: unknown, parent: TreeNode | undefined): void => {
    if (Array.isArray(value)) {
      for (const item of value) walk(item, parent)
    } else if (value && typeof value === 'object') {
      const node = value as TreeNode
      visit(node, parent)
      for (const child of Object.values(node)) walk(child, node)
    }
  }

  walk(tree, undefined)
}

/**
 * Every function a parsed statement calls, wherever it hides: select lists, FROM, subqueries,
 * CTEs, lambdas, window and aggregate clauses. Built-in window functions (row_number, lag …) are
 * not functions to the parser but fixed expression types, and need no check; aggregates used as
 * windows do.
 */
export function calledFunctions(tree: unknown): FunctionCall[] {
  const calls: FunctionCall[] = []
  eachNode(tree, (node, parent) => {
    const isCall = node.class === 'FUNCTION' || (node.class === 'WINDOW' && node.type === 'WINDOW_AGGREGATE')
    if (!isCall || typeof node.function_name !== 'string') return
    const kind = parent?.type === 'TABLE_FUNCTION' && parent.function === node ? 'table' : 'function'
    calls.push({name: node.function_name.toLowerCase(), kind})
  })
  return calls
}

/**
 * Table names that DuckDB would read as files ("replacement scans": `FROM 'notes.csv'`,
 * `DESCRIBE 'x.parquet'`): any name with a dot or a path separator. Kept only if a table or
 * view of that name exists, checked by the caller.
 */
export function fileLikeTableNames(tree: unknown): string[] {
  const names: string[] = []
  eachNode(tree, node => {
    if ((node.type !== 'BASE_TABLE' && node.type !== 'SHOW_REF') || typeof node.table_name !== 'string') return
    const name = node.type === 'SHOW_REF' ? node.table_name.replace(/^"(.*)"$/, '$1') : node.table_name
    if (/[./\\:]/.test(name)) names.push(name)
  })
  return names
}

/** Of `names`, those that are not tables or views in any attached database. */
export async function missingTables(connection: DuckDBConnection, names: string[]): Promise<string[]> {
  if (names.length === 0) return []
  const reader = await connection.runAndReadAll(
    `SELECT DISTINCT table_name FROM duckdb_tables() WHERE list_contains(CAST($names::JSON AS VARCHAR[]), table_name)
     UNION SELECT DISTINCT view_name FROM duckdb_views() WHERE list_contains(CAST($names::JSON AS VARCHAR[]), view_name)`,
    {names: JSON.stringify(names)},
  )
  const existing = new Set(reader.getRowObjects().map(row => String(row.table_name)))
  return [...new Set(names)].filter(name => !existing.has(name))
}
