import assert from 'node:assert/strict'
import {readdirSync} from 'node:fs'
import path from 'node:path'
import {describe, test} from 'node:test'
import {pathToFileURL} from 'node:url'

const COMMANDS = path.resolve(import.meta.dirname, '..', '..', 'src', 'commands')

interface FlagShape {char?: string; hidden?: boolean}
interface CommandShape {flags?: Record<string, FlagShape>}

/** Every command module below src/commands (topics such as service/ included), as its id and class. */
async function loadCommands(): Promise<Array<{id: string; command: CommandShape}>> {
  const files = readdirSync(COMMANDS, {recursive: true, encoding: 'utf8'}).filter(file => file.endsWith('.ts') && !file.endsWith('.d.ts'))
  return Promise.all(files.map(async file => {
    const module = await import(pathToFileURL(path.join(COMMANDS, file)).href) as {default: CommandShape}
    return {id: file.replace(/\.ts$/, '').split(path.sep).join(' '), command: module.default}
  }))
}

/** Which long flags each short letter stands for, across all commands: `-f` → {follow: ['inspect']}. */
function shortFlagMeanings(commands: Array<{id: string; command: CommandShape}>): Map<string, Map<string, string[]>> {
  const meanings = new Map<string, Map<string, string[]>>()
  for (const {id, command} of commands) {
    for (const [name, flag] of Object.entries(command.flags ?? {})) {
      if (!flag.char) continue
      const byName = meanings.get(flag.char) ?? new Map<string, string[]>()
      byName.set(name, [...byName.get(name) ?? [], id])
      meanings.set(flag.char, byName)
    }
  }

  return meanings
}

describe('short flags', () => {
  test('the check itself sees a letter used for two flags', () => {
    const clash = shortFlagMeanings([
      {id: 'inspect', command: {flags: {follow: {char: 'f'}}}},
      {id: 'report', command: {flags: {force: {char: 'f'}}}},
    ])
    assert.deepEqual([...clash.get('f')!.keys()], ['follow', 'force'])
  })

  test('one letter means one flag across every command (-f is --follow)', async () => {
    const commands = await loadCommands()
    assert.ok(commands.length >= 17, `expected every command, found ${commands.length}`)
    const clashes = [...shortFlagMeanings(commands)]
    .filter(([, byName]) => byName.size > 1)
    .map(([char, byName]) => `-${char}: ${[...byName].map(([name, ids]) => `--${name} (${ids.join(', ')})`).join(' vs ')}`)
    assert.deepEqual(clashes, [])
    assert.deepEqual([...shortFlagMeanings(commands).get('f')!.keys()], ['follow'])
  })
})
