import assert from 'node:assert/strict'
import {existsSync, readFileSync} from 'node:fs'
import path from 'node:path'
import {
  after, before, describe, test,
} from 'node:test'

import {makeSandbox, ROOT, type Sandbox} from '../helpers/cli.js'
import {usePrivateDisplay} from '../helpers/display-suite.js'
import {e2eSkipReason} from '../helpers/xvfb.js'

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

  test('config: set refuses an http:// upload.url as upload would; exclude_apps lists; unset empties; "none" is no app', async () => {
    const refused = await s.run(['config', 'set', 'upload.url', 'http://example.com/in'])
    assert.equal(refused.code, 2, refused.stdout)
    const flat = refused.stderr.replaceAll(/\s*›\s*/g, ' ')
    assert.match(flat, /Refusing to upload over plain http:\/\/ to example\.com: only loopback addresses/)
    assert.deepEqual(JSON.parse((await s.run(['config', 'get', 'upload.url', '--json'])).stdout), {'upload.url': null})
    const upload = await s.run(['upload', '--to', 'http://example.com/in', '--dry-run'])
    assert.match(upload.stderr.replaceAll(/\s*›\s*/g, ' '), /Refusing to upload over plain http:\/\/ to example\.com: only loopback addresses/, 'the same sentence as upload')
    const set = async (value: string): Promise<unknown> => {
      const result = await s.run(['config', 'set', 'exclude_apps', value, '--json'])
      assert.equal(result.code, 0, result.stderr)
      return JSON.parse(result.stdout)
    }

    assert.deepEqual(await set('slack,keepassxc'), {exclude_apps: ['slack', 'keepassxc']})
    assert.deepEqual(await set('["slack","my app, beta"]'), {exclude_apps: ['slack', 'my app, beta']})
    const none = await s.run(['config', 'set', 'exclude_apps', 'none'])
    assert.equal(none.code, 2, none.stdout)
    assert.match(none.stderr.replaceAll(/\s*›\s*/g, ' '), /"none" is taken as no apps.*devtrace config unset exclude_apps/)
    const unset = await s.run(['config', 'unset', 'exclude_apps'])
    assert.deepEqual([unset.code, unset.stdout.trim()], [0, 'exclude_apps = (none)'])
    assert.deepEqual(JSON.parse((await s.run(['config', 'get', 'exclude_apps', '--json'])).stdout), {exclude_apps: []})
  })

  test('status lists the excluded apps by name (human and --json), not only a count', async () => {
    assert.equal((await s.run(['config', 'set', 'exclude_apps', 'slack,keepassxc'])).code, 0)
    const human = await s.run(['status'])
    assert.equal(human.code, 0, human.stderr)
    assert.match(human.stdout, /^excluded apps +slack, keepassxc$/m)
    const json = await s.run(['status', '--json'])
    assert.deepEqual((JSON.parse(json.stdout) as {excluded_apps: string[]}).excluded_apps, ['slack', 'keepassxc'])
    assert.equal((await s.run(['config', 'unset', 'exclude_apps'])).code, 0)
    assert.match((await s.run(['status'])).stdout, /^excluded apps +\(none\)$/m)
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

describe('--demo on every read command', () => {
  const READERS: string[][] = [
    ['inspect'],
    ['query', 'SELECT count(*) AS n FROM events'],
    ['audit'],
    ['summarize'],
    ['exposure'],
    ['report', '--out', 'demo-report.html'],
    ['export', '--out', 'demo-export.csv'],
  ]
  let s: Sandbox

  before(() => {
    s = makeSandbox()
  })

  after(() => s.cleanup())

  test('before `devtrace demo` each says there is no demo database and how to make one (exit 1)', async () => {
    for (const args of READERS) {
      const result = await s.run([...args, '--demo'])
      assert.equal(result.code, 1, `${args[0]}: ${result.stdout}${result.stderr}`)
      assert.match(result.stderr.replaceAll(/\s*›\s*/g, ' '), /There is no demo database yet \(.*demo\.duckdb\)\. Try this: Create it with `devtrace demo`\./, args[0])
    }
  })

  test('after `devtrace demo` each reads the demo database, and the user\'s own is never created', async () => {
    const demo = await s.run(['demo', '--days', '1', '--json'], {timeoutMs: 120_000})
    assert.equal(demo.code, 0, demo.stderr)
    const {events} = JSON.parse(demo.stdout) as {events: number}
    assert.ok(events > 0)
    const json = async <T>(args: string[]): Promise<T> => {
      const result = await s.run([...args, '--demo', '--json'], {timeoutMs: 120_000})
      assert.equal(result.code, 0, `${args[0]}: ${result.stderr}`)
      return JSON.parse(result.stdout) as T
    }

    assert.deepEqual(await json(['query', 'SELECT count(*)::INTEGER AS n FROM events']), [{n: events}])
    assert.equal((await json<unknown[]>(['inspect', '--limit', '5'])).length, 5)
    assert.equal((await json<{totals: {events: number}}>(['summarize'])).totals.events, events)
    assert.ok((await json<{exposure: unknown[]}>(['exposure'])).exposure.length > 0)
    const out = path.join(s.home, 'demo-export.csv')
    assert.equal((await json<{rows: number}>(['export', '--out', out])).rows, events)
    assert.ok(existsSync(out))
    const report = path.join(s.home, 'demo-report.html')
    await json(['report', '--out', report])
    assert.ok(existsSync(report))
    // The export went into the demo database's own ledger.
    const ledger = await json<Array<{action: string; destination: string}>>(['audit'])
    assert.deepEqual(ledger.map(row => [row.action, row.destination]), [['export', out]])
    const follow = await s.run(['inspect', '--demo', '--follow'])
    assert.equal(follow.code, 2, follow.stdout)
    assert.match(follow.stderr, /--follow=true cannot also be provided when using --demo/)
    assert.equal(existsSync(path.join(s.home, 'devtrace.duckdb')), false, 'the user\'s database was never created')
  })

  test('FORCE_COLOR colours human output in a pipe, NO_COLOR wins, --json and --csv are never coloured', async () => {
    const ESC = '\u001B['
    const run = async (args: string[], env: NodeJS.ProcessEnv): Promise<string> => {
      const result = await s.run([...args, '--demo'], {env: {FORCE_COLOR: undefined, NO_COLOR: undefined, ...env}, timeoutMs: 120_000})
      assert.equal(result.code, 0, `${args.join(' ')}: ${result.stderr}`)
      return result.stdout
    }

    const forced = {FORCE_COLOR: '1'}
    for (const human of [['summarize'], ['inspect', '--limit', '3'], ['audit']]) {
      assert.ok((await run(human, forced)).includes(ESC), `${human[0]} with FORCE_COLOR is coloured`)
      assert.ok(!(await run(human, {})).includes(ESC), `${human[0]} in a pipe is plain`)
      assert.ok(!(await run(human, {...forced, NO_COLOR: '1'})).includes(ESC), `${human[0]}: NO_COLOR wins`)
    }

    for (const machine of [['summarize', '--json'], ['inspect', '--json'], ['inspect', '--csv'], ['query', 'SELECT 1 AS one', '--csv'], ['query', 'SELECT 1 AS one', '--json'], ['audit', '--json']]) {
      const out = await run(machine, forced)
      assert.ok(out.length > 0 && !out.includes(ESC), `${machine.join(' ')} with FORCE_COLOR is plain: ${out.slice(0, 80)}`)
    }
  })
})

describe('messages with a running daemon (private X display)', {skip: e2eSkipReason()}, () => {
  const x = usePrivateDisplay()
  let s: Sandbox

  before(async () => {
    s = x.sandbox()
    const start = await s.run(['start'])
    assert.equal(start.code, 0, start.stderr)
  })

  test('pause --for 2d names the day and the 24-hour time; status says the same; resume when not paused says so (exit 0)', async () => {
    const pause = await s.run(['pause', '--for', '2d'])
    assert.equal(pause.code, 0, pause.stderr)
    const until = /^Paused until (\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2})\.$/.exec(pause.stdout.trim())
    assert.ok(until, pause.stdout)
    const status = await s.run(['status'])
    assert.equal(status.code, 0, status.stderr)
    assert.ok(status.stdout.includes(`paused (resumes at ${until[1]})`), status.stdout)
    const resume = await s.run(['resume'])
    assert.deepEqual([resume.code, resume.stdout.trim()], [0, 'Recording again.'])
    const again = await s.run(['resume'])
    assert.deepEqual([again.code, again.stdout.trim(), again.stderr], [0, 'devtrace is not paused: it is already recording.', ''])
    const json = await s.run(['resume', '--json'])
    assert.equal(json.code, 0, json.stderr)
    assert.deepEqual(JSON.parse(json.stdout), {paused: false, was_paused: false})
    assert.equal((await s.run(['config', 'set', 'exclude_apps', '["keepassxc"]'])).code, 0)
    const status2 = JSON.parse((await s.run(['status', '--json'])).stdout) as {excluded_apps: string[]; running: boolean}
    assert.deepEqual([status2.running, status2.excluded_apps], [true, ['keepassxc']])
  })
})

