/**
 * bench/writer-settings: what the daemon's writer costs in CPU at a paced 1000 events/s, under
 * different DuckDB settings and commit intervals, without X. Each variant runs in its own child
 * process (DuckDB's threads are per instance, and an idle worker that spins on a commit is CPU
 * too, so the whole process is measured: process.cpuUsage counts every thread).
 *
 *   node --import tsx bench/writer-settings.ts [--seconds 10] [--rounds 5] [--rate 1000]
 *
 * A child opens a fresh database with the daemon's settings plus the variant's, migrates it, and
 * every 5 ms appends the moves that are due through EventWriter, committing every `flushMs` as
 * the daemon's flush timer does. Printed: CPU µs per event (median of the rounds, alternating
 * order), and the rows stored (every variant must store all it appended).
 */
import {DuckDBInstance} from '@duckdb/node-api'
import {execFileSync} from 'node:child_process'
import {mkdtempSync, rmSync} from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import {fileURLToPath} from 'node:url'

import type {CapturedEvent} from '../src/capture/event.js'

import {daemonDatabaseSettings} from '../src/store/daemon-memory.js'
import {EventWriter} from '../src/store/event-writer.js'
import {migrate} from '../src/store/schema.js'
import {median, option} from './run-options.js'

interface Variant {name: string; settings: Record<string, string>; flushMs: number; noWrites?: boolean}

const VARIANTS: Variant[] = [
  {
    name: 'the paced loop alone (no DuckDB calls)', settings: {}, flushMs: 1000, noWrites: true,
  },
  {name: 'daemon today', settings: {}, flushMs: 1000},
  {name: 'threads=1', settings: {threads: '1'}, flushMs: 1000},
  {name: 'allocator_background_threads=false', settings: {allocator_background_threads: 'false'}, flushMs: 1000},
  {name: 'threads=1 + no allocator threads', settings: {threads: '1', allocator_background_threads: 'false'}, flushMs: 1000},
  {name: 'commit every 2 s', settings: {}, flushMs: 2000},
]

const move = (i: number, now: number): CapturedEvent => ({
  tsMicros: now * 1000 + (i % 1000), kind: 'mouse_move', keyCode: null, keyClass: null, x: 100 + (i % 1000), y: 100 + Math.floor(i / 1000),
  button: null, wheelAmount: null, wheelDirection: null, modifiers: null, app: 'bench', holdMs: null,
})

async function child(variant: Variant, seconds: number, rate: number): Promise<void> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'devtrace-writer-settings-'))
  try {
    const file = path.join(dir, 'bench.duckdb')
    const instance = await DuckDBInstance.create(file, {...daemonDatabaseSettings(), ...variant.settings})
    const connection = await instance.connect()
    await migrate(connection, file)
    const writer = await EventWriter.open(connection, 1)
    await new Promise(resolve => {
      setTimeout(resolve, 1000)
    })
    const started = performance.now()
    const before = process.cpuUsage()
    let sent = 0
    let lastFlush = started
    await new Promise<void>(resolve => {
      const timer = setInterval(() => {
        const now = performance.now()
        const due = Math.min(Math.floor(((now - started) / 1000) * rate), seconds * rate)
        const batch: CapturedEvent[] = []
        while (sent < due) batch.push(move(sent++, Date.now()))
        if (!variant.noWrites) writer.append(batch)
        if (!variant.noWrites && now - lastFlush >= variant.flushMs) {
          writer.flush()
          lastFlush = now
        }

        if (sent >= seconds * rate) {
          clearInterval(timer)
          writer.flush()
          resolve()
        }
      }, 5)
    })
    const used = process.cpuUsage(before)
    const stored = Number((await connection.runAndReadAll('SELECT count(*)::INTEGER FROM events')).getRows()[0][0])
    writer.close()
    connection.closeSync()
    instance.closeSync()
    console.log(JSON.stringify({
      cpuMicrosPerEvent: (used.user + used.system) / sent, sent, stored: variant.noWrites ? sent : stored, rssMiB: process.memoryUsage().rss / 2 ** 20,
    }))
  } finally {
    rmSync(dir, {recursive: true, force: true})
  }
}

async function main(): Promise<void> {
  const seconds = option('--seconds', 10)
  const rounds = option('--rounds', 5)
  const rate = option('--rate', 1000)
  const childIndex = process.argv.indexOf('--child')
  if (childIndex !== -1) {
    await child(VARIANTS[Number(process.argv[childIndex + 1])], seconds, rate)
    return
  }

  const self = fileURLToPath(import.meta.url)
  const results = VARIANTS.map(() => [] as Array<{cpuMicrosPerEvent: number; stored: number; sent: number; rssMiB: number}>)
  const load = os.loadavg()
  for (let round = 0; round < rounds; round++) {
    for (let k = 0; k < VARIANTS.length; k++) {
      const i = (k + round) % VARIANTS.length
      const out = execFileSync(process.execPath, ['--import', 'tsx', self, '--child', String(i), '--seconds', String(seconds), '--rate', String(rate)], {encoding: 'utf8'})
      results[i].push(JSON.parse(out.trim().split('\n').at(-1)!))
    }
  }

  console.log(`node ${process.version}, ${rate} events/s for ${seconds} s, ${rounds} rounds; load average ${load.map(l => l.toFixed(2)).join(' ')} → ${os.loadavg().map(l => l.toFixed(2)).join(' ')}`)
  console.log('| variant | CPU µs/event (median) | rounds | RSS at end (MiB, median) | stored / sent |\n| --- | ---: | --- | ---: | --- |')
  for (const [i, variant] of VARIANTS.entries()) {
    const r = results[i]
    const cpu = r.map(x => x.cpuMicrosPerEvent)
    const complete = r.every(x => x.stored === x.sent) ? 'all' : r.map(x => `${x.stored}/${x.sent}`).join(', ')
    console.log(`| ${variant.name} | ${median(cpu).toFixed(2)} | ${cpu.map(x => x.toFixed(2)).join(', ')} | ${median(r.map(x => x.rssMiB)).toFixed(1)} | ${complete} |`)
  }
}

await main()
