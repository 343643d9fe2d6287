import assert from 'node:assert/strict'
import {spawnSync} from 'node:child_process'
import {
  mkdirSync, mkdtempSync, rmSync, writeFileSync,
} from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import {after, describe, test} from 'node:test'

const ROOT = path.resolve(import.meta.dirname, '..', '..')
const CONFIG = path.join(ROOT, '.dependency-cruiser.mjs')
const DEPCRUISE = path.join(ROOT, 'node_modules', '.bin', 'depcruise')

/**
 * A tiny src/ tree: [file, ...what it imports] (paths below src/; `later:` marks a dynamic
 * `import()`). Each forbidden arrow appears once; the only cycle is daemon/a ↔ daemon/b (reported
 * once, at the first module). The store rule holds for what the store reaches, not only what it
 * names: store/backend.ts reaches analysis/rollup.ts through a top-level table's lazy import.
 */
const FIXTURE: Array<[string, ...string[]]> = [
  ['core/errors.ts', 'ui/theme.ts'],
  ['store/store.ts', 'commands/cmd.ts', 'analysis/metrics.ts', 'privacy/forget.ts', 'transfer/upload.ts', 'core/errors.ts'],
  ['analysis/metrics.ts', 'ui/view.ts', 'store/query.ts'],
  ['capture/hook.ts', 'store/query.ts', 'ipc/client.ts', 'core/errors.ts'],
  ['privacy/forget.ts', 'transfer/upload.ts', 'store/query.ts'],
  ['ui/view.ts', 'store/query.ts', 'core/errors.ts'],
  ['store/backend.ts', 'table.ts', 'core/errors.ts'],
  ['table.ts', 'later:analysis/rollup.ts'],
  ['daemon/a.ts', 'daemon/b.ts'],
  ['daemon/b.ts', 'daemon/a.ts'],
  ['doctor/check.ts', 'store/query.ts', 'privacy/ledger.ts'],
  // Allowed arrows, none of which may be reported.
  ['commands/cmd.ts', 'store/query.ts', 'ui/view.ts', 'analysis/metrics.ts', 'transfer/upload.ts'],
  ['transfer/upload.ts', 'privacy/ledger.ts', 'store/query.ts'],
  ['privacy/ledger.ts', 'store/query.ts'],
  ['ui/theme.ts'],
  ['ipc/client.ts', 'core/errors.ts'],
  ['store/query.ts', 'core/errors.ts'],
  ['analysis/rollup.ts', 'store/query.ts'],
]

interface Violation {
  from: string
  rule: {name: string}
  to: string
}

describe('dependency rules (.dependency-cruiser.mjs)', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'devtrace-deprules-'))

  after(() => rmSync(dir, {force: true, recursive: true}))
  writeFileSync(path.join(dir, 'tsconfig.json'), JSON.stringify({compilerOptions: {module: 'nodenext', moduleResolution: 'nodenext'}}))
  for (const [file, ...imports] of FIXTURE) {
    mkdirSync(path.join(dir, 'src', path.dirname(file)), {recursive: true})
    const lines = imports.map((imported, index) => {
      const target = imported.replace(/^later:/, '')
      const relative = path.relative(path.dirname(file), target).replace(/\.ts$/, '.js')
      const specifier = relative.startsWith('.') ? relative : './' + relative
      if (imported.startsWith('later:')) return `export const load${index} = async () => import('${specifier}')`
      // Type-only imports count as dependencies too: ui/view.ts reaches the store only by a type.
      return file === 'ui/view.ts' && target.startsWith('store/')
        ? `import type {T${index}} from '${specifier}'`
        : `import '${specifier}'`
    })
    writeFileSync(path.join(dir, 'src', file), [...lines, 'export type T0 = number', 'export type T1 = number', 'export type T2 = number', ''].join('\n'))
  }

  const run = spawnSync(DEPCRUISE, ['src', '--config', CONFIG, '--output-type', 'json'], {cwd: dir, encoding: 'utf8'})
  const {violations} = (JSON.parse(run.stdout) as {summary: {violations: Violation[]}}).summary
  const found = new Set(violations.map(v => `${v.rule.name}: ${v.from} → ${v.to}`))

  test('each rule reports exactly the imports it forbids, and nothing else', () => {
    assert.deepEqual([...found].sort(), [
      'analysis-no-ui: src/analysis/metrics.ts → src/ui/view.ts',
      'capture-no-store-or-ipc: src/capture/hook.ts → src/ipc/client.ts',
      'capture-no-store-or-ipc: src/capture/hook.ts → src/store/query.ts',
      'core-imports-nothing: src/core/errors.ts → src/ui/theme.ts',
      'doctor-only-reads: src/doctor/check.ts → src/privacy/ledger.ts',
      'no-cycles: src/daemon/a.ts → src/daemon/b.ts',
      'privacy-no-transfer: src/privacy/forget.ts → src/transfer/upload.ts',
      'store-not-upwards: src/store/backend.ts → src/analysis/rollup.ts',
      'store-not-upwards: src/store/store.ts → src/analysis/metrics.ts',
      'store-not-upwards: src/store/store.ts → src/commands/cmd.ts',
      'store-not-upwards: src/store/store.ts → src/privacy/forget.ts',
      'store-not-upwards: src/store/store.ts → src/privacy/ledger.ts',
      'store-not-upwards: src/store/store.ts → src/transfer/upload.ts',
      'ui-no-store: src/ui/view.ts → src/store/query.ts',
    ])
  })

  test('a violation fails the check (exit code) and prints the rule with its reason', () => {
    const human = spawnSync(DEPCRUISE, ['src', '--config', CONFIG, '--output-type', 'err-long'], {cwd: dir, encoding: 'utf8'})
    assert.notEqual(human.status, 0)
    assert.match(human.stdout, /error ui-no-store: src\/ui\/view\.ts → src\/store\/query\.ts\n\s+ui\/ renders to the terminal/)
  })

  test('a store module that reaches analysis only through a lazy import elsewhere fails, naming the path', () => {
    const human = spawnSync(DEPCRUISE, ['src', '--config', CONFIG, '--output-type', 'err-long'], {cwd: dir, encoding: 'utf8'})
    assert.match(human.stdout, /error store-not-upwards: src\/store\/backend\.ts → src\/analysis\/rollup\.ts\n\s+src\/table\.ts →\n\s+src\/analysis\/rollup\.ts\n\s+The store is the only room/)
  })
})
