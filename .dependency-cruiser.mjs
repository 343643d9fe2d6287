/**
 * The dependency rules of devtrace (ARCHITECTURE.md explains the rooms). `npm run lint` runs
 * them (`npm run lint:deps` alone); a violation fails with the rule's name and the reason below.
 */

/** A forbidden arrow: modules matching `from` must not import modules matching `to`. */
function forbid(name, from, to, comment) {
  return {
    name, severity: 'error', comment, from: {path: from}, to: typeof to === 'string' ? {path: to} : to,
  }
}

/** @type {import('dependency-cruiser').IConfiguration} */
export default {
  forbidden: [
    forbid('no-cycles', '^src/', {circular: true}, 'A cycle makes two modules one: neither can be read, tested or loaded late without the other. Move the shared part down (often into src/core/).'),
    forbid('core-imports-nothing', '^src/core/', {path: '^src/', pathNot: '^src/core/'}, 'src/core/ (errors, exit codes, value types, Level, EventKind) is what every room may import; if it imported any room, that room could not import it without a cycle.'),
    forbid('store-not-upwards', '^src/store/', {path: '^src/(commands|analysis|privacy|transfer)/', reachable: true}, 'The store is the only room that opens the DuckDB file, which one process at a time may hold (the daemon while it runs); '
    + 'it serves commands, analysis, privacy and transfer and must not depend on them, or a change to a command could change how the file is opened. '
    + 'What the store reaches counts, through any module and lazy import() included: the operations table (src/operations.ts) loads those rooms, '
    + 'so the store receives an operation\'s loader instead of naming the table.'),
    forbid('analysis-no-ui', '^src/analysis/', '^src/ui/', 'Analysis computes data (metrics, rollups, report data); terminal and HTML rendering build on it, never the reverse, so every output shows the same numbers.'),
    forbid('capture-no-store-or-ipc', '^src/capture/', '^src/(store|ipc)/', 'Capture turns hook input into events and nothing more; the daemon decides where they go. Capture reaching the database or the socket would bypass the daemon that owns both.'),
    forbid('privacy-no-transfer', '^src/privacy/', '^src/transfer/', 'Redaction, forgetting and the ledger must work, and be reviewable, without any code that can send data off the machine; transfer uses privacy, never the reverse.'),
    forbid('ui-no-store', '^src/ui/', '^src/store/', 'ui/ renders to the terminal and asks questions; it gets data from the command, never from the database, '
    + 'so that where data comes from (the daemon or the file) is decided in one place.'),
    forbid('doctor-only-reads', '^src/doctor/', {path: String.raw`^src/(daemon|demo|privacy|report|transfer)/|^src/(operations|run-operation)\.ts$`, reachable: true}, '`devtrace doctor` is what people run when something is already wrong: it reads files and asks the daemon, '
    + 'and must reach no code that changes the database, starts a daemon or sends data, so running it can never make things worse.'),
  ],
  options: {
    includeOnly: '^src/',
    // Type-only imports count too: they tie the modules' shapes together.
    tsPreCompilationDeps: true,
    tsConfig: {fileName: 'tsconfig.json'},
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      extensions: ['.ts', '.js'],
    },
  },
}
