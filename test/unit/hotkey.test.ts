import assert from 'node:assert/strict'
import {describe, it} from 'node:test'

import type {RawInput} from '../../src/capture/normalise.js'

import {ChordFilter, chordProblem, parseChord} from '../../src/capture/hotkey.js'
import {Recorder} from '../../src/capture/recorder.js'
import {UiohookKey} from './uiohook-keys.js'

const down = (keycode: number): RawInput => ({type: 4, keycode})
const up = (keycode: number): RawInput => ({type: 5, keycode})
const move = (x: number): RawInput => ({type: 9, x, y: 0})
const {
  Alt, AltRight, Ctrl, Meta, P, Shift, ShiftRight,
} = UiohookKey
const {A} = UiohookKey
const {C} = UiohookKey

/** Feed events at ts 1, 2, 3, …; returns what passed through (as "type:code@ts") and how often the chord fired. */
function run(chordText: string, events: RawInput[]): {passed: string[]; fired: number} {
  const passed: string[] = []
  let fired = 0
  const filter = new ChordFilter(parseChord(chordText), (raw, ts) => passed.push(`${raw.type}:${raw.keycode ?? raw.x}@${ts}`), () => fired++)
  for (const [i, event] of events.entries()) filter.offer(event, i + 1)
  return {passed, fired}
}

describe('panic hotkey: parsing', () => {
  it('parses the default chord into uiohook key codes', () => {
    assert.deepEqual(parseChord('ctrl+alt+shift+p'), {modifiers: ['ctrl', 'alt', 'shift'], key: P, text: 'ctrl+alt+shift+p'})
    assert.deepEqual(parseChord(' Shift + Control + Alt + P '), {modifiers: ['ctrl', 'alt', 'shift'], key: P, text: 'ctrl+alt+shift+p'})
    assert.deepEqual(parseChord('super+f12'), {modifiers: ['meta'], key: UiohookKey.F12, text: 'meta+f12'})
    assert.deepEqual(parseChord('pause'), {modifiers: [], key: 3653, text: 'pause'})
    assert.equal(parseChord('off'), null)
    assert.equal(parseChord('None'), null)
  })

  it('uses the same key codes as uiohook for every key name it knows', () => {
    for (const [name, code] of Object.entries(UiohookKey)) {
      if (/^(numpad|arrow|ctrl|alt|shift|meta|capslock|numlock)/i.test(name)) continue
      assert.equal(parseChord(`ctrl+${name}`)?.key, code, name)
    }
  })

  it('explains what is wrong with a bad chord', () => {
    assert.equal(chordProblem('ctrl+alt+shift+p'), undefined)
    assert.equal(chordProblem('ctrl+alt'), '"ctrl+alt" ends in a modifier; a chord ends in a key such as p or f12')
    assert.equal(chordProblem('ctrl+hyper+p'), '"hyper" in "ctrl+hyper+p" is not a modifier (ctrl, alt, shift, meta)')
    assert.equal(chordProblem('ctrl+xyzzy'), 'unknown key "xyzzy" in "ctrl+xyzzy"')
    assert.equal(chordProblem('ctrl++p'), '"ctrl++p" is not a key chord (expected something like ctrl+alt+shift+p)')
  })
})

describe('panic hotkey: chord detection and hold-back', () => {
  it('swallows the whole chord, key-ups included, and fires once', () => {
    const result = run('ctrl+alt+shift+p', [down(Ctrl), down(Alt), down(Shift), down(P), up(P), up(Shift), up(Alt), up(Ctrl), down(A), up(A)])
    assert.deepEqual(result, {passed: [`4:${A}@9`, `5:${A}@10`], fired: 1})
  })

  it('fires with modifiers in any order, left or right', () => {
    const result = run('ctrl+alt+shift+p', [down(ShiftRight), down(AltRight), down(Ctrl), down(P), up(Ctrl), up(P), up(AltRight), up(ShiftRight)])
    assert.deepEqual(result, {passed: [], fired: 1})
  })

  it('releases held modifiers in order with their own timestamps when another key follows (Shift+A, Ctrl+C)', () => {
    assert.deepEqual(run('ctrl+alt+shift+p', [down(Shift), down(A), up(A), up(Shift)]).passed, [`4:${Shift}@1`, `4:${A}@2`, `5:${A}@3`, `5:${Shift}@4`])
    assert.deepEqual(run('ctrl+alt+shift+p', [down(Ctrl), down(Alt), down(C), up(C), up(Alt), up(Ctrl)]).passed, [
      `4:${Ctrl}@1`, `4:${Alt}@2`, `4:${C}@3`, `5:${C}@4`, `5:${Alt}@5`, `5:${Ctrl}@6`,
    ])
  })

  it('releases held modifiers when one comes up before the chord completes', () => {
    const result = run('ctrl+alt+shift+p', [down(Ctrl), down(Alt), up(Alt), up(Ctrl)])
    assert.deepEqual(result, {passed: [`4:${Ctrl}@1`, `4:${Alt}@2`, `5:${Alt}@3`, `5:${Ctrl}@4`], fired: 0})
  })

  it('does not fire without every modifier, or with the key before them', () => {
    assert.deepEqual(run('ctrl+alt+shift+p', [down(Ctrl), down(Alt), down(P), up(P), up(Alt), up(Ctrl)]), {
      passed: [`4:${Ctrl}@1`, `4:${Alt}@2`, `4:${P}@3`, `5:${P}@4`, `5:${Alt}@5`, `5:${Ctrl}@6`], fired: 0,
    })
    assert.equal(run('ctrl+alt+shift+p', [down(P), down(Ctrl), down(Alt), down(Shift), up(Shift), up(Alt), up(Ctrl), up(P)]).fired, 0)
  })

  it('a modifier outside the chord (meta) is ordinary typing', () => {
    const result = run('ctrl+p', [down(Ctrl), down(Meta), down(P), up(P), up(Meta), up(Ctrl)])
    assert.equal(result.fired, 0)
    assert.equal(result.passed.length, 6)
  })

  it('keeps mouse moves made while modifiers are held, in order, and drops only the chord keys', () => {
    const result = run('ctrl+alt+shift+p', [down(Ctrl), move(10), down(Alt), move(20), down(Shift), down(P), up(P), up(Shift), up(Alt), up(Ctrl)])
    assert.deepEqual(result, {passed: ['9:10@2', '9:20@4'], fired: 1})
  })

  it('swallows key repeat of the chord keys and fires again on a second press while the modifiers stay down', () => {
    const result = run('ctrl+alt+shift+p', [down(Ctrl), down(Alt), down(Shift), down(P), down(P), up(P), down(P), up(P), up(Shift), up(Alt), up(Ctrl)])
    assert.deepEqual(result, {passed: [], fired: 2})
  })

  it('a chord without modifiers fires on its key alone', () => {
    assert.deepEqual(run('f12', [down(A), up(A), down(UiohookKey.F12), up(UiohookKey.F12)]), {passed: [`4:${A}@1`, `5:${A}@2`], fired: 1})
  })

  it('with the hotkey off, everything passes untouched', () => {
    assert.deepEqual(run('off', [down(Ctrl), down(Alt), down(Shift), down(P)]), {passed: [`4:${Ctrl}@1`, `4:${Alt}@2`, `4:${Shift}@3`, `4:${P}@4`], fired: 0})
  })
})

describe('panic hotkey in the recorder', () => {
  it('toggles pause; the chord keys are never stored, typing around them is', () => {
    const toggles: boolean[] = []
    const rec = new Recorder({
      level: 'full', mouseHz: 0, queueCapacity: 100, hotkey: parseChord('ctrl+alt+shift+p'), onHotkey: paused => toggles.push(paused),
    })
    const chord = [down(Ctrl), down(Alt), down(Shift), down(P), up(P), up(Shift), up(Alt), up(Ctrl)]
    let ts = 1_700_000_000_000_000
    const feed = (events: RawInput[]): void => {
      for (const event of events) rec.handle(event, ts += 1000)
    }

    feed([down(A), up(A)])
    feed(chord)
    assert.equal(rec.isPaused(), true)
    feed([down(C), up(C)]) // paused: ignored
    feed(chord)
    assert.equal(rec.isPaused(), false)
    feed([down(Shift), down(A), up(A), up(Shift)])
    assert.deepEqual(toggles, [true, false])
    assert.equal(rec.ignored, 2)
    const events = rec.drain()
    assert.deepEqual(events.map(event => `${event.kind}:${event.keyCode}`), [
      `key_down:${A}`, `key_up:${A}`, `key_down:${Shift}`, `key_down:${A}`, `key_up:${A}`, `key_up:${Shift}`,
    ])
    // Held-back Shift keeps its own, earlier timestamp.
    const times = events.map(event => event.tsMicros)
    assert.deepEqual(times, [...times].sort((a, b) => a - b))
    assert.equal(new Set(times).size, times.length)
  })

  it('at shutdown, modifiers held back at that moment are released, not lost', () => {
    const rec = new Recorder({
      level: 'full', mouseHz: 0, queueCapacity: 100, hotkey: parseChord('ctrl+alt+shift+p'),
    })
    rec.handle(down(Ctrl), 1000)
    rec.handle(down(Alt), 2000)
    assert.equal(rec.drain().length, 0)
    rec.releaseHeld()
    assert.deepEqual(rec.drain().map(event => [event.keyCode, event.tsMicros]), [[Ctrl, 1000], [Alt, 2000]])
  })

  it('a pause from the CLI releases modifiers held back at that moment first', () => {
    const rec = new Recorder({
      level: 'standard', mouseHz: 0, queueCapacity: 100, hotkey: parseChord('ctrl+alt+shift+p'),
    })
    rec.handle(down(Ctrl), 1000)
    assert.equal(rec.drain().length, 0)
    rec.pause()
    assert.deepEqual(rec.drain().map(event => event.kind), ['key_down'])
  })
})
