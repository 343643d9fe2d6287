import assert from 'node:assert/strict'
import {readdirSync, readFileSync} from 'node:fs'
import path from 'node:path'
import {after, describe, test} from 'node:test'

import type {Level} from '../../src/core/level.js'

import {
  EV_KEY, EV_REL, EV_SYN, REL_HWHEEL, REL_HWHEEL_HI_RES, REL_WHEEL, REL_WHEEL_HI_RES, REL_X, REL_Y, SYN_DROPPED, SYN_REPORT,
} from '../../src/capture/evdev/event-codes.js'
import {makeSandbox, type Sandbox, waitFor} from '../helpers/cli.js'
import {queryFile} from '../helpers/db.js'
import {
  EvdevFeed, type FeedEvent, keyboardBlock, mouseBlock, powerButtonBlock,
} from '../helpers/evdev-feed.js'
import {fakeLoginctl} from '../helpers/loginctl.js'
import {statusOf} from '../helpers/status.js'

/**
 * The evdev backend end to end: the built CLI starts a daemon with `--backend evdev` on a
 * DEVTRACE_INPUT_DIR of named pipes (this machine has no uinput, so no virtual device), the test
 * writes the kernel's exact `struct input_event` records with known kernel times, and the rows in
 * the DuckDB file must be exactly what those records mean. No display is involved.
 */

/** The kernel's clock for the fed events (ms): hold times come from it, not from when the pipe was read. */
const T0 = 1_700_000_000_000
const BTN_LEFT = 0x1_10
// Kernel key codes.
const KEY = {
  a: 30, b: 48, d: 32, f: 33, g: 34, s: 31, shift: 42,
}

const syn = (ms: number): FeedEvent => ({
  type: EV_SYN, code: SYN_REPORT, value: 0, ms: T0 + ms,
})
/** One frame: the events at `ms` (kernel time after T0) and the SYN_REPORT closing it. */
const frame = (ms: number, ...events: Array<[number, number, number]>): FeedEvent[] => [
  ...events.map(([type, code, value]) => ({
    type, code, value, ms: T0 + ms,
  })),
  syn(ms),
]
const key = (code: number, value: number, ms: number): FeedEvent[] => frame(ms, [EV_KEY, code, value])

interface Run {
  s: Sandbox
  feed: EvdevFeed
  file: string
  summary: Record<string, unknown>
  status: Record<string, unknown>
}

/** A sandbox whose input devices are `feed`'s folder; both are stopped and removed by `cleanup`. */
function feedSandbox(cleanup: Array<() => Promise<void>>): {feed: EvdevFeed; s: Sandbox} {
  const feed = new EvdevFeed()
  const s = makeSandbox()
  s.env.DEVTRACE_INPUT_DIR = feed.dir
  cleanup.push(async () => {
    await s.run(['stop'])
    s.cleanup()
    await feed.cleanup()
  })
  return {feed, s}
}

/** Everything a session of typing, pointing, scrolling and hot-plugging gives, at `level`. */
async function recordSession(level: Level, cleanup: Array<() => Promise<void>>): Promise<Run> {
  const {feed, s} = feedSandbox(cleanup)
  feed.add('event0', powerButtonBlock('event0'), {pipe: false})
  const keyboard = feed.add('event3', keyboardBlock('event3'))
  const mouse = feed.add('event4', mouseBlock('event4', {hiRes: false}))
  assert.equal((await s.run(['config', 'set', 'flush_ms', '200'])).code, 0)
  if (level === 'full') {
    // Full is refused with evdev unless the session is known to be unlocked: a logind stand-in says so.
    s.env.DEVTRACE_LOGINCTL = fakeLoginctl(s.home).program
    s.env.XDG_SESSION_ID = '4'
  }

  const started = await s.run(['start', '--backend', 'evdev', '--level', level, '--mouse-hz', '0', '--json'])
  assert.equal(started.code, 0, started.stderr)
  assert.equal(JSON.parse(started.stdout).backend, 'evdev')
  const log = (): string => readFileSync(path.join(s.home, 'logs', 'daemon.log'), 'utf8')
  // Each step waits for its rows, so receipt order (the rows' `ts`) is the order written here
  // even across devices, whose readers run side by side.
  const written = async (rows: number): Promise<void> => {
    await waitFor(async () => (await statusOf(s)).events_session === rows, `${rows} events written`, 30_000)
  }

  // Typing: a held 87 ms; shift+b; s held past the repeat delay (three auto-repeats); a frame
  // the kernel lost (SYN_DROPPED: d's press and release are gone); f; all on the kernel's clock.
  await keyboard.write([...key(KEY.a, 1, 0), ...key(KEY.a, 0, 87)])
  await keyboard.write([...key(KEY.shift, 1, 200), ...key(KEY.b, 1, 250), ...key(KEY.b, 0, 320), ...key(KEY.shift, 0, 400)])
  await keyboard.write([...key(KEY.s, 1, 500), ...key(KEY.s, 2, 1000), ...key(KEY.s, 2, 1033), ...key(KEY.s, 2, 1066), ...key(KEY.s, 0, 1100)])
  await keyboard.write([
    {
      type: EV_KEY, code: KEY.d, value: 1, ms: T0 + 1200,
    },
    {
      type: EV_SYN, code: SYN_DROPPED, value: 0, ms: T0 + 1200,
    },
    ...key(KEY.d, 0, 1210),
    ...key(KEY.f, 1, 1300),
    ...key(KEY.f, 0, 1345),
  ])
  await written(10)
  assert.match(log(), /evdev: event3 lost events \(the kernel's buffer for it overflowed\)/)

  // Pointing with a plain mouse: two moves, a click, a notch up and two down.
  await mouse.write([
    ...frame(2000, [EV_REL, REL_X, 10], [EV_REL, REL_Y, 5]),
    ...frame(2010, [EV_REL, REL_X, -3]),
    ...frame(2100, [EV_KEY, BTN_LEFT, 1]),
    ...frame(2180, [EV_KEY, BTN_LEFT, 0]),
    ...frame(2200, [EV_REL, REL_WHEEL, 1]),
    ...frame(2300, [EV_REL, REL_WHEEL, -2]),
  ])
  await written(17)

  // A mouse with a high-resolution wheel is plugged in; its notches come both ways, counted once.
  const plugged = feed.add('event7', mouseBlock('event7', {hiRes: true, name: 'MX Master 3 Mouse'}))
  await plugged.write([
    ...frame(3000, [EV_REL, REL_WHEEL_HI_RES, 120], [EV_REL, REL_WHEEL, 1]),
    ...frame(3100, [EV_REL, REL_WHEEL_HI_RES, -60]),
    ...frame(3150, [EV_REL, REL_WHEEL_HI_RES, -60], [EV_REL, REL_WHEEL, -1]),
    ...frame(3200, [EV_REL, REL_HWHEEL_HI_RES, 120], [EV_REL, REL_HWHEEL, 1]),
    ...frame(3300, [EV_REL, REL_X, 3]),
  ])
  await written(21)
  assert.match(log(), /evdev: reading event7 "MX Master 3 Mouse" as pointer/)

  // The first mouse is unplugged; typing goes on.
  await feed.remove('event4')
  await waitFor(() => /evdev: event4 (is gone|closed)/.test(log()), 'the unplugged mouse to be let go')
  await keyboard.write([...key(KEY.g, 1, 4000), ...key(KEY.g, 0, 4050)])
  await written(23)

  const status = await statusOf(s)
  const stopped = await s.run(['stop'])
  assert.equal(stopped.code, 0, stopped.stderr)
  const summarized = await s.run(['summarize', '--json'])
  assert.equal(summarized.code, 0, summarized.stderr)
  return {
    s, feed, file: path.join(s.home, 'devtrace.duckdb'), summary: JSON.parse(summarized.stdout) as Record<string, unknown>, status,
  }
}

const KINDS = [
  'key_down',
  'key_up', // a
  'key_down',
  'key_down',
  'key_up',
  'key_up', // shift+b
  'key_down',
  'key_up', // s, repeats dropped
  'key_down',
  'key_up', // f (d was lost)
  'mouse_move',
  'mouse_move',
  'mouse_down',
  'mouse_up',
  'wheel',
  'wheel',
  'wheel',
  'wheel',
  'wheel',
  'wheel',
  'mouse_move', // the plugged-in mouse
  'key_down',
  'key_up', // g
]

const COLUMNS = 'kind, key_code, key_class, x, y, button, wheel_amount, wheel_direction, modifiers, hold_ms'

/** The rows at standard; `full` adds key codes. */
const STANDARD = [
  ['key_down', 'letter', null, null, null, null, null, null, null],
  ['key_up', 'letter', null, null, null, null, null, null, 87],
  ['key_down', 'modifier', null, null, null, null, null, 'shift', null],
  ['key_down', 'letter', null, null, null, null, null, 'shift', null],
  ['key_up', 'letter', null, null, null, null, null, 'shift', 70],
  ['key_up', 'modifier', null, null, null, null, null, null, 200],
  ['key_down', 'letter', null, null, null, null, null, null, null],
  ['key_up', 'letter', null, null, null, null, null, null, 600],
  ['key_down', 'letter', null, null, null, null, null, null, null],
  ['key_up', 'letter', null, null, null, null, null, null, 45],
  ['mouse_move', null, 10, 5, null, null, null, null, null],
  ['mouse_move', null, 7, 5, null, null, null, null, null],
  ['mouse_down', null, 7, 5, 1, null, null, null, null],
  ['mouse_up', null, 7, 5, 1, null, null, null, null],
  ['wheel', null, 7, 5, null, 1, 'up', null, null],
  ['wheel', null, 7, 5, null, 1, 'down', null, null],
  ['wheel', null, 7, 5, null, 1, 'down', null, null],
  ['wheel', null, 7, 5, null, 1, 'up', null, null],
  ['wheel', null, 7, 5, null, 1, 'down', null, null],
  ['wheel', null, 7, 5, null, 1, 'right', null, null],
  ['mouse_move', null, 10, 5, null, null, null, null, null],
  ['key_down', 'letter', null, null, null, null, null, null, null],
  ['key_up', 'letter', null, null, null, null, null, null, 50],
]

/** uiohook key codes in event order (the kernel's a, shift, b, s, f, g are 30, 42, 48, 31, 33, 34 in both spaces). */
const KEY_CODES = [30, 30, 42, 48, 48, 42, 31, 31, 33, 33, ...Array.from({length: 11}, () => null), 34, 34]

async function rows(file: string): Promise<Array<Array<unknown>>> {
  const found = await queryFile(file, `SELECT ${COLUMNS} FROM events ORDER BY ts`)
  return found.map(row => Object.values(row))
}

describe('evdev backend: kernel input records through named pipes', () => {
  const cleanup: Array<() => Promise<void>> = []

  after(async () => {
    for (const step of cleanup) await step()
  })

  test('minimal: every event kept with its kind and time only', async () => {
    const {file, status} = await recordSession('minimal', cleanup)
    const stored = await rows(file)
    assert.deepEqual(stored.map(row => row[0]), KINDS)
    assert.ok(stored.every(row => row.slice(1).every(value => value === null)), JSON.stringify(stored))
    assert.equal(status.key_repeats_skipped, 3)
    const [session] = await queryFile(file, 'SELECT backend FROM sessions')
    assert.equal(session.backend, 'evdev')
  })

  test('standard: key classes, modifiers, exact hold times from the kernel\'s clock, integrated positions, buttons and wheel notches', async () => {
    const {file, status, summary} = await recordSession('standard', cleanup)
    const stored = await rows(file)
    assert.deepEqual(stored.map(row => row[1]), KINDS.map(() => null), 'no key codes below full')
    assert.deepEqual(stored.map(row => [row[0], ...row.slice(2)]), STANDARD)
    assert.equal(status.key_repeats_skipped, 3)
    assertSummary(summary)
  })
})

/**
 * `summarize --json` on that session: six key presses (the lost d and the repeats are not among
 * them), holds 87, 70 (b), 200 (shift), 600, 45 and 50 ms, one click, six wheel notches.
 */
function assertSummary(summary: Record<string, unknown>): void {
  const totals = summary.totals as Record<string, unknown>
  assert.deepEqual({
    keys: totals.keys, hold_ms: totals.hold_ms, clicks: totals.clicks, wheel: totals.wheel,
  }, {
    keys: 6, hold_ms: {p50: 70, p90: 600, count: 6}, clicks: 1, wheel: 6,
  })
}

// `full` is kept apart: with evdev, start refuses it while the session's lock state is unknown
// (as on this machine, without logind). Once that refusal lands, this test checks the refusal
// or runs with a known lock state instead.
describe('evdev backend at full', () => {
  const cleanup: Array<() => Promise<void>> = []

  after(async () => {
    for (const step of cleanup) await step()
  })

  test('full: the same rows plus key codes in the X11 backend\'s code space', async () => {
    const {file} = await recordSession('full', cleanup)
    const stored = await rows(file)
    assert.deepEqual(stored.map(row => row[1]), KEY_CODES)
    assert.deepEqual(stored.map(row => [row[0], ...row.slice(2)]), STANDARD)
  })
})

/** Processes whose command line names a file in `dir` (the daemon's device readers). */
function readersOf(dir: string): number[] {
  const pids: number[] = []
  for (const entry of readdirSync('/proc').filter(name => /^\d+$/.test(name))) {
    try {
      if (readFileSync(`/proc/${entry}/cmdline`, 'utf8').includes(dir)) pids.push(Number(entry))
    } catch {
      // exited meanwhile
    }
  }

  return pids
}

describe('evdev backend: device readers end with the daemon', () => {
  const cleanup: Array<() => Promise<void>> = []

  after(async () => {
    for (const step of cleanup) await step()
  })

  test('after stop, and after a kill -9 of the daemon, no reader of the devices is left', async () => {
    for (const ending of ['stop', 'kill'] as const) {
      const {feed, s} = feedSandbox(cleanup)
      feed.add('event3', keyboardBlock('event3'))
      feed.add('event4', mouseBlock('event4', {hiRes: false}))
      const started = await s.run(['start', '--backend', 'evdev', '--json'])
      assert.equal(started.code, 0, started.stderr)
      // One reader per device, blocked opening its pipe (no writer yet), as on a quiet real device.
      await waitFor(() => readersOf(feed.dir).length === 2, 'a reader for each device')
      if (ending === 'stop') assert.equal((await s.run(['stop'])).code, 0)
      else process.kill((JSON.parse(started.stdout) as {pid: number}).pid, 'SIGKILL')
      await waitFor(() => readersOf(feed.dir).length === 0, `no reader left after ${ending}`)
    }
  })
})
