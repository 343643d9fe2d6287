/**
 * bench/evdev: what the evdev backend costs, next to the X11 path, measured in the same run.
 *
 *   npm run bench:evdev -- [--events 200000] [--rounds 5] [--seconds 20] [--rate 1000] [--cpu-rounds 3] [--no-results]
 *
 * 1. Throughput (in process, no devices): the same event mix (per 10 inputs: 7 mouse moves, a
 *    key press and its release, a wheel notch) through
 *    - evdev: the kernel's `struct input_event` bytes (MSC_SCAN + EV_KEY + SYN, REL_X + REL_Y +
 *      SYN, REL_WHEEL + REL_WHEEL_HI_RES + SYN: 72 bytes an input) handed over in 4 KiB chunks as a
 *      pipe would → InputEventDecoder → DeviceTranslator → Recorder → EventWriter;
 *    - x11: uiohook-shaped events, copied field by field as the hook's listener does → Recorder
 *      → EventWriter.
 *    Level standard, mouse_hz 0 (every move written), a flush per 1000 inputs (a second at
 *    1000 inputs/s, as the daemon flushes), a fresh DuckDB file per run; timed from the first
 *    byte or event to the last flush. --rounds runs of each, alternating which goes first.
 * 2. CPU at --rate moves/s for --seconds, one subject at a time, order rotating per round:
 *    - evdev-daemon: the built CLI (a snapshot) `start --backend evdev --mouse-hz 0` reading a
 *      named pipe in DEVTRACE_INPUT_DIR, fed REL_X/REL_Y/SYN frames from a 5 ms timer; its CPU
 *      includes its children (the `cat` that reads the device);
 *    - fifo-floor: a bare Node process reading the same kind of pipe and counting bytes;
 *    - uiohook-floor: bench/bare-listener.mjs (uiohook-napi, counts events) on a private Xvfb fed
 *      `xdotool mousemove` at the same rate.
 *    CPU = utime+stime from /proc (own and children's) from the stream's start to 1.5 s after its
 *    end, over the stream's duration: % of one core. The daemon run also checks that every move
 *    was written (status events_session).
 * Results: stdout (markdown) and bench/results/evdev-<date>.json.
 */
import type {DuckDBConnection} from '@duckdb/node-api'

import {
  type ChildProcess, execFileSync, spawn, spawnSync,
} from 'node:child_process'
import {once} from 'node:events'
import {
  existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync,
} from 'node:fs'
import {open} from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import {setTimeout as sleep} from 'node:timers/promises'
import {parseArgs} from 'node:util'

import type {RawInput} from '../src/capture/normalise.js'

import {DeviceTranslator} from '../src/capture/evdev/device-translator.js'
import {parseDevices} from '../src/capture/evdev/devices-file.js'
import {
  EV_KEY, EV_REL, EV_SYN, REL_WHEEL, REL_WHEEL_HI_RES, REL_X, REL_Y, SYN_REPORT,
} from '../src/capture/evdev/event-codes.js'
import {encodeInputEvent, InputEventDecoder} from '../src/capture/evdev/input-event.js'
import {Seat} from '../src/capture/evdev/seat.js'
import {Recorder} from '../src/capture/recorder.js'
import {EventWriter} from '../src/store/event-writer.js'
import {closeDatabase, openDatabase} from '../src/store/open-database.js'
import {migrate} from '../src/store/schema.js'
import {keyboardBlock, mouseBlock} from '../test/helpers/evdev-feed.js'
import {startXvfb} from '../test/helpers/xvfb.js'
import {ROOT, snapshotCli} from './snapshot.js'

const EV_MSC = 0x04
const MSC_SCAN = 0x04
const FLUSH_EVERY = 1000
const CHUNK_BYTES = 4096
const TICK_MS = 5
const TAIL_MS = 1500
const SETTLE_MS = 3000
const CLK_TCK = Number(spawnSync('getconf', ['CLK_TCK'], {encoding: 'utf8'}).stdout.trim()) || 100
// The kernel's KEY_A … KEY_L: typed in turn.
const LETTERS = [30, 31, 32, 33, 34, 35, 36, 37, 38]

const {values: options} = parseArgs({
  options: {
    events: {type: 'string', default: '200000'},
    rounds: {type: 'string', default: '5'},
    seconds: {type: 'string', default: '20'},
    rate: {type: 'string', default: '1000'},
    'cpu-rounds': {type: 'string', default: '3'},
    'no-results': {type: 'boolean', default: false},
  },
})
const EVENTS = Number(options.events)
const ROUNDS = Number(options.rounds)
const SECONDS = Number(options.seconds)
const RATE = Number(options.rate)
const CPU_ROUNDS = Number(options['cpu-rounds'])

/** The middle run (the mean of the two middle ones for an even count). */
function median(values: number[]): number {
  const sorted = values.toSorted((a, b) => a - b)
  const upper = sorted.length >> 1
  return (sorted[upper] + sorted[(sorted.length - 1) >> 1]) / 2
}

// ---- 1. throughput -------------------------------------------------------------------------

type Input = {code: number; kind: 'key_down' | 'key_up'} | {dx: number; dy: number; kind: 'move'} | {kind: 'wheel'}

/** Input i of the mix: per 10, seven moves, a press, its release, a wheel notch. */
function inputAt(i: number): Input {
  const slot = i % 10
  const code = LETTERS[Math.floor(i / 10) % LETTERS.length]
  if (slot === 3) return {kind: 'key_down', code}
  if (slot === 4) return {kind: 'key_up', code}
  if (slot === 8) return {kind: 'wheel'}
  return {kind: 'move', dx: 1 + (i % 3), dy: (i % 5) - 2}
}

/** The bytes a keyboard and a mouse would give for the mix (both devices' frames, in order, as one stream). */
function kernelBytes(count: number): Buffer {
  const records: Buffer[] = []
  for (let i = 0; i < count; i++) {
    const input = inputAt(i)
    const micros = i * 1000
    const at = (type: number, code: number, value: number): Buffer => encodeInputEvent({
      seconds: 1_700_000_000 + Math.floor(micros / 1e6), micros: micros % 1e6, type, code, value,
    })
    if (input.kind === 'move') records.push(at(EV_REL, REL_X, input.dx), at(EV_REL, REL_Y, input.dy))
    else if (input.kind === 'wheel') records.push(at(EV_REL, REL_WHEEL, 1), at(EV_REL, REL_WHEEL_HI_RES, 120))
    else records.push(at(EV_MSC, MSC_SCAN, 0x7_00_04), at(EV_KEY, input.code, input.kind === 'key_down' ? 1 : 0))
    records.push(at(EV_SYN, SYN_REPORT, 0))
  }

  return Buffer.concat(records)
}

/** What uiohook hands its listener for the mix (its own objects carry more fields; these are the ones read). */
function uiohookEvents(count: number): Array<Record<string, unknown>> {
  let x = 0
  let y = 0
  return Array.from({length: count}, (_, i) => {
    const input = inputAt(i)
    const base = {
      altKey: false, ctrlKey: false, metaKey: false, shiftKey: false, time: 1_700_000_000_000 + i,
    }
    if (input.kind === 'move') {
      x += input.dx
      y += input.dy
      return {
        ...base, type: 9, x, y, button: 0, clicks: 0,
      }
    }

    if (input.kind === 'wheel') {
      return {
        ...base, type: 11, x, y, amount: 3, rotation: -1, direction: 3, clicks: 0,
      }
    }

    return {...base, type: input.kind === 'key_down' ? 4 : 5, keycode: input.code}
  })
}

/** The hook listener's copy (src/capture/hook.ts). */
function copied(event: Record<string, unknown>): RawInput {
  return {
    type: event.type as number,
    keycode: event.keycode as number | undefined,
    x: event.x as number | undefined,
    y: event.y as number | undefined,
    button: event.button,
    amount: event.amount as number | undefined,
    rotation: event.rotation as number | undefined,
    direction: event.direction as number | undefined,
    altKey: event.altKey as boolean,
    ctrlKey: event.ctrlKey as boolean,
    metaKey: event.metaKey as boolean,
    shiftKey: event.shiftKey as boolean,
    time: event.time as number,
  }
}

interface Sink {
  recorder: Recorder
  writer: EventWriter
  handled: number
}

function take(sink: Sink, raw: RawInput): void {
  sink.handled++
  sink.recorder.handle(raw, 1_700_000_000_000_000 + (sink.handled * 1000))
  if (sink.handled % FLUSH_EVERY === 0) {
    sink.writer.append(sink.recorder.drain())
    sink.writer.flush()
  }
}

async function timedRun(mode: 'evdev' | 'x11', connection: DuckDBConnection, bytes: Buffer, events: Array<Record<string, unknown>>): Promise<{rows: number; seconds: number}> {
  const sink: Sink = {
    recorder: new Recorder({level: 'standard', mouseHz: 0, queueCapacity: 10_000_000}),
    writer: await EventWriter.open(connection, 1),
    handled: 0,
  }
  const started = performance.now()
  if (mode === 'evdev') {
    // Both devices' frames arrive through one translator pair sharing a seat, as in the daemon.
    const seat = new Seat()
    const [keyboard] = parseDevices(`${keyboardBlock('event3')}\n`)
    const [mouse] = parseDevices(`${mouseBlock('event4', {hiRes: true})}\n`)
    const keys = new DeviceTranslator(keyboard, seat, raw => take(sink, raw))
    const pointer = new DeviceTranslator(mouse, seat, raw => take(sink, raw))
    const decoder = new InputEventDecoder()
    let fromKeyboard = false
    for (let offset = 0; offset < bytes.length; offset += CHUNK_BYTES) {
      decoder.push(bytes.subarray(offset, offset + CHUNK_BYTES), event => {
        if (event.type === EV_MSC || event.type === EV_KEY) fromKeyboard = true
        else if (event.type === EV_REL) fromKeyboard = false;
        (fromKeyboard ? keys : pointer).handle(event)
      })
    }
  } else {
    for (const event of events) take(sink, copied(event))
  }

  sink.writer.append(sink.recorder.drain())
  sink.writer.flush()
  const seconds = (performance.now() - started) / 1000
  sink.writer.close()
  return {rows: sink.writer.rowsWritten, seconds}
}

async function throughput(dir: string): Promise<Record<string, unknown>> {
  const bytes = kernelBytes(EVENTS)
  const events = uiohookEvents(EVENTS)
  const runs: Record<'evdev' | 'x11', number[]> = {evdev: [], x11: []}
  for (let round = 0; round < ROUNDS; round++) {
    const order = round % 2 === 0 ? (['evdev', 'x11'] as const) : (['x11', 'evdev'] as const)
    for (const mode of order) {
      const file = path.join(dir, `${mode}-${round}.duckdb`)
      const db = await openDatabase(file)
      await migrate(db.connection, file)
      const {rows, seconds} = await timedRun(mode, db.connection, bytes, events)
      closeDatabase(db)
      rmSync(file, {force: true})
      rmSync(`${file}.wal`, {force: true})
      if (rows !== EVENTS) throw new Error(`${mode}: ${rows} rows written for ${EVENTS} inputs`)
      runs[mode].push(EVENTS / seconds)
      console.error(`throughput round ${round + 1} ${mode}: ${Math.round(EVENTS / seconds)} events/s`)
    }
  }

  return {
    events: EVENTS,
    bytes: bytes.length,
    evdev_events_per_second: Math.round(median(runs.evdev)),
    x11_events_per_second: Math.round(median(runs.x11)),
    ratio: median(runs.evdev) / median(runs.x11),
    runs,
  }
}

// ---- 2. CPU at a steady rate ------------------------------------------------------------------

/** CPU seconds of `pid` and its children (finished: cutime+cstime; live: their utime+stime). */
function processTreeCpu(pid: number): number {
  const fieldsOf = (file: string): string[] => {
    const stat = readFileSync(file, 'utf8')
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')
  }

  const own = fieldsOf(`/proc/${pid}/stat`)
  let ticks = Number(own[11]) + Number(own[12]) + Number(own[13]) + Number(own[14])
  for (const entry of readdirSync('/proc').filter(name => /^\d+$/.test(name))) {
    try {
      const fields = fieldsOf(`/proc/${entry}/stat`)
      if (Number(fields[1]) === pid) ticks += Number(fields[11]) + Number(fields[12])
    } catch {
      // exited meanwhile
    }
  }

  return ticks / CLK_TCK
}

/**
 * Calls `send(from, to)` for the moves due every 5 ms, --rate a second for --seconds (the feeder
 * is the device: its own cost is not measured). Returns the moves sent and the time taken.
 */
async function paced(send: (from: number, to: number) => Promise<void>): Promise<{sent: number; seconds: number}> {
  const total = Math.round(RATE * SECONDS)
  const started = performance.now()
  let sent = 0
  while (sent < total) {
    const due = Math.min(total, Math.floor(((performance.now() - started) / 1000) * RATE))
    if (due > sent) await send(sent, due)
    sent = due
    await sleep(TICK_MS)
  }

  return {sent, seconds: (performance.now() - started) / 1000}
}

/** Mouse frames (REL_X, REL_Y, SYN) into `fifo`, stamped with the current time as the kernel would. */
async function feedFifo(fifo: string): Promise<{sent: number; seconds: number}> {
  const handle = await open(fifo, 'w')
  try {
    return await paced(async (from, to) => {
      const micros = Math.round((performance.now() + performance.timeOrigin) * 1000)
      const at = (type: number, code: number, value: number): Buffer => encodeInputEvent({
        seconds: Math.floor(micros / 1e6), micros: micros % 1e6, type, code, value,
      })
      const frames: Buffer[] = []
      for (let move = from; move < to; move++) frames.push(at(EV_REL, REL_X, 1), at(EV_REL, REL_Y, move % 2 === 0 ? 1 : -1), at(EV_SYN, SYN_REPORT, 0))
      await handle.write(Buffer.concat(frames))
    })
  } finally {
    await handle.close()
  }
}

/** `xdotool -` mousemove lines, every one to a new position (as bench/daemon.ts feeds the X11 daemon). */
async function feedXdotool(display: string): Promise<{sent: number; seconds: number}> {
  const child = spawn('xdotool', ['-'], {env: {...process.env, DISPLAY: display}, stdio: ['pipe', 'ignore', 'inherit']})
  const exited = once(child, 'exit')
  const result = await paced(async (from, to) => {
    let text = ''
    for (let move = from; move < to; move++) text += `mousemove ${100 + (move % 1000)} ${100 + Math.floor(move / 1000)}\n`
    if (!child.stdin!.write(text)) await once(child.stdin!, 'drain')
  })
  child.stdin!.end()
  await exited
  return result
}

/** Measure `pid`'s CPU over `feed()`, plus the tail. */
async function measure(pid: number, feed: () => Promise<{sent: number; seconds: number}>): Promise<{cpu_percent: number; sent: number; seconds: number}> {
  const before = processTreeCpu(pid)
  const {sent, seconds} = await feed()
  await sleep(TAIL_MS)
  const cpu = processTreeCpu(pid) - before
  return {cpu_percent: (cpu / seconds) * 100, sent, seconds}
}

function mkfifoIn(dir: string, event: string, block: string): string {
  writeFileSync(path.join(dir, 'devices'), `${block}\n\n`, {flag: 'a'})
  const fifo = path.join(dir, event)
  execFileSync('mkfifo', [fifo])
  return fifo
}

async function evdevDaemonRun(bin: string): Promise<Record<string, number>> {
  const inputDir = mkdtempSync(path.join(os.tmpdir(), 'devtrace-bench-input-'))
  const home = mkdtempSync(path.join(os.tmpdir(), 'devtrace-bench-home-'))
  const fifo = mkfifoIn(inputDir, 'event4', mouseBlock('event4', {hiRes: false}))
  const env: NodeJS.ProcessEnv = {
    ...process.env, DEVTRACE_HOME: home, DEVTRACE_INPUT_DIR: inputDir, NO_COLOR: '1',
  }
  delete env.DISPLAY
  const run = (args: string[]): string => execFileSync(process.execPath, [bin, ...args], {env, encoding: 'utf8'})
  try {
    const {pid} = JSON.parse(run(['start', '--backend', 'evdev', '--mouse-hz', '0', '--json'])) as {pid: number}
    await sleep(SETTLE_MS)
    const result = await measure(pid, () => feedFifo(fifo))
    const written = (JSON.parse(run(['status', '--json'])) as {events_session: number}).events_session
    if (written !== result.sent) throw new Error(`evdev daemon wrote ${written} of ${result.sent} moves`)
    return {...result, written}
  } finally {
    spawnSync(process.execPath, [bin, 'stop'], {env})
    rmSync(inputDir, {force: true, recursive: true})
    rmSync(home, {force: true, recursive: true})
  }
}

const BARE_FIFO_READER = `
const fs = require('node:fs')
let bytes = 0
fs.createReadStream(process.argv[1]).on('data', chunk => { bytes += chunk.length })
process.once('SIGTERM', () => { process.stdout.write(JSON.stringify({records: bytes / 24}) + '\\n', () => process.exit(0)) })
setInterval(() => {}, 1 << 30)
`

async function fifoFloorRun(): Promise<Record<string, number>> {
  const inputDir = mkdtempSync(path.join(os.tmpdir(), 'devtrace-bench-input-'))
  const fifo = mkfifoIn(inputDir, 'event4', mouseBlock('event4', {hiRes: false}))
  const child = spawn(process.execPath, ['-e', BARE_FIFO_READER, fifo], {stdio: ['ignore', 'pipe', 'inherit']})
  try {
    await sleep(SETTLE_MS)
    return await measure(child.pid!, () => feedFifo(fifo))
  } finally {
    await stopChild(child)
    rmSync(inputDir, {force: true, recursive: true})
  }
}

async function uiohookFloorRun(display: string): Promise<Record<string, number>> {
  const child = spawn(process.execPath, [path.join(ROOT, 'bench', 'bare-listener.mjs')], {cwd: ROOT, env: {...process.env, DISPLAY: display}, stdio: ['ignore', 'pipe', 'inherit']})
  let text = ''
  child.stdout!.setEncoding('utf8')
  child.stdout!.on('data', (chunk: string) => {
    text += chunk
  })
  try {
    while (!text.includes('ready')) {
      if (child.exitCode !== null) throw new Error('bare listener did not start')
      await sleep(20)
    }

    await sleep(SETTLE_MS)
    return await measure(child.pid!, () => feedXdotool(display))
  } finally {
    await stopChild(child)
  }
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return
  const exited = once(child, 'exit')
  child.kill('SIGTERM')
  await exited
}

async function cpu(): Promise<Record<string, unknown>> {
  const snapshot = snapshotCli()
  const x = await startXvfb()
  const runs: Record<string, Array<Record<string, number>>> = {'evdev-daemon': [], 'fifo-floor': [], 'uiohook-floor': []}
  const subjects = Object.keys(runs)
  try {
    for (let round = 0; round < CPU_ROUNDS; round++) {
      for (let index = 0; index < subjects.length; index++) {
        const subject = subjects[(index + round) % subjects.length]
        const result = subject === 'evdev-daemon'
          ? await evdevDaemonRun(snapshot.bin)
          : (subject === 'fifo-floor' ? await fifoFloorRun() : await uiohookFloorRun(x.display))
        runs[subject].push(result)
        console.error(`cpu round ${round + 1} ${subject}: ${result.cpu_percent.toFixed(2)}% of a core, ${result.sent} moves in ${result.seconds.toFixed(1)} s`)
      }
    }
  } finally {
    await x.stop()
    rmSync(snapshot.dir, {force: true, recursive: true})
  }

  return Object.fromEntries(subjects.map(subject => [subject, {
    cpu_percent_median: Number(median(runs[subject].map(run => run.cpu_percent)).toFixed(2)),
    runs: runs[subject],
  }]))
}

function machine(): Record<string, string> {
  const cpuinfo = existsSync('/proc/cpuinfo') ? readFileSync('/proc/cpuinfo', 'utf8') : ''
  return {
    cpu: /^model name\s*:\s*(.+)$/m.exec(cpuinfo)?.[1] ?? os.cpus()[0]?.model ?? 'unknown',
    cores: String(os.cpus().length),
    node: process.version,
    kernel: os.release(),
  }
}

async function main(): Promise<void> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'devtrace-bench-evdev-'))
  try {
    const results = {
      date: new Date().toISOString(),
      machine: machine(),
      args: {
        events: EVENTS, rounds: ROUNDS, seconds: SECONDS, rate: RATE, cpu_rounds: CPU_ROUNDS,
      },
      throughput: await throughput(dir),
      cpu: await cpu(),
    }
    console.log(JSON.stringify(results, null, 2))
    if (!options['no-results']) {
      const out = path.join(ROOT, 'bench', 'results')
      mkdirSync(out, {recursive: true})
      writeFileSync(path.join(out, `evdev-${results.date.slice(0, 10)}.json`), `${JSON.stringify(results, null, 2)}\n`)
    }
  } finally {
    rmSync(dir, {force: true, recursive: true})
  }
}

await main()
