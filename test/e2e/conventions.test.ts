import assert from 'node:assert/strict'
import {readFileSync} from 'node:fs'
import path from 'node:path'
import {
  after, before, describe, test,
} from 'node:test'

import {makeSandbox, ROOT, type Sandbox} from '../helpers/cli.js'

interface ManifestCommand {flags: Record<string, {char?: string; hidden?: boolean; name: string}>; hidden?: boolean}

/** Every command of the built CLI, as oclif itself lists them. */
function builtCommands(): Record<string, ManifestCommand> {
  return (JSON.parse(readFileSync(path.join(ROOT, 'oclif.manifest.json'), 'utf8')) as {commands: Record<string, ManifestCommand>}).commands
}

/** The USAGE lines of a help text, each usage on one line (oclif wraps them at the terminal width). */
function usageLines(help: string): string[] {
  const block = /^USAGE\n([\s\S]*?)\n\n/m.exec(help)?.[1] ?? ''
  return block.split(/\n {2}(?=\$ )/).map(line => line.replaceAll(/\s+/g, ' ').trim()).filter(Boolean)
}

/**
 * The conventions a user of other CLIs expects, checked through the built bin/run.js: short flags
 * mean one thing, usage lines read cleanly, --demo on every read command, config that refuses at
 * `set` what a command would refuse later, one clock in messages, and colour only where wanted.
 */
describe('CLI conventions (no display needed)', () => {
  let s: Sandbox

  before(() => {
    s = makeSandbox()
  })

  after(() => s.cleanup())

  test('report has no -f for --force: -f means --follow, on inspect only', async () => {
    const report = await s.run(['report', '--out', 'x.html', '-f'])
    assert.equal(report.code, 2, report.stdout)
    assert.match(report.stderr, /Nonexistent flag: -f/)
    const help = await s.run(['report', '--help'])
    assert.equal(help.code, 0, help.stderr)
    assert.match(help.stdout, /^ +--force +Overwrite/m)
    assert.doesNotMatch(help.stdout, /-f, --force/)
    assert.match((await s.run(['inspect', '--help'])).stdout, /-f, --follow/)
  })

  test('every command\'s usage reads cleanly and names each of its flags', async () => {
    const commands = Object.entries(builtCommands()).filter(([, command]) => !command.hidden)
    assert.ok(commands.length >= 17, `expected every command in the manifest, found ${commands.length}`)
    for (const [id, command] of commands) {
      const help = await s.run([...id.split(':'), '--help'])
      assert.equal(help.code, 0, `${id}: ${help.stderr}`)
      const usage = usageLines(help.stdout)
      assert.ok(usage.length > 0, `${id} has no USAGE`)
      const text = usage.join('\n')
      // An alternative with nothing on one side, an empty group, or a repeatable flag's whole list.
      assert.doesNotMatch(text, /\| ?\]|\[ ?\||\[\]|\(\)|\| ?\)|\|[\w-]+\.\.\./, `${id}: ${text}`)
      for (const line of usage) assert.match(line, new RegExp(`^\\$ devtrace ${id.replaceAll(':', ' ')}\\b`), `${id}: ${line}`)
      for (const flag of Object.values(command.flags).filter(f => !f.hidden)) {
        const named = text.includes(`--${flag.name}`) || (flag.char !== undefined && new RegExp(`-${flag.char}\\b`).test(text))
        assert.ok(named, `${id}: --${flag.name} is missing from its usage: ${text}`)
      }
    }
  })

  test('redact --profile offers only the profiles it can apply; export --redact lists its values', async () => {
    const redact = await s.run(['redact', '--help'])
    assert.equal(redact.code, 0, redact.stderr)
    assert.match(redact.stdout, /-p, --profile=<option>[\s\S]*<options: keys\|coarse>/)
    assert.match(usageLines(redact.stdout)[0], /-p keys\|coarse\b/)
    const refused = await s.run(['redact', '--profile', 'aggregate', '--yes'])
    assert.equal(refused.code, 2, refused.stdout)
    assert.match(refused.stderr, /Expected --profile=aggregate to be one of: keys, coarse/)
    const exportHelp = await s.run(['export', '--help'])
    assert.equal(exportHelp.code, 0, exportHelp.stderr)
    assert.match(exportHelp.stdout.replaceAll(/\s+/g, ' '), /--redact=\[PROFILE\] Redact with this profile: keys, coarse, aggregate, none; --redact alone means coarse/)
  })
})
