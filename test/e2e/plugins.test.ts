import assert from 'node:assert/strict'
import {spawn, spawnSync} from 'node:child_process'
import {
  mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync,
} from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import {after, describe, test} from 'node:test'

import {
  BIN, type CliResult, makeSandbox, oneLine, ROOT,
} from '../helpers/cli.js'

const NETWORK_TRACE = path.join(ROOT, 'test', 'helpers', 'network-trace.mjs')

/** Every file under `dir` with its size, mode and contents: what "unchanged" means. */
function snapshot(dir: string): Record<string, string> {
  const files: Record<string, string> = {}
  const walk = (folder: string): void => {
    for (const entry of readdirSync(folder, {withFileTypes: true})) {
      const full = path.join(folder, entry.name)
      const {mode} = statSync(full)
      if (entry.isDirectory()) {
        files[path.relative(dir, full) + '/'] = mode.toString(8)
        walk(full)
      } else {
        files[path.relative(dir, full)] = `${mode.toString(8)} ${readFileSync(full, 'utf8')}`
      }
    }
  }

  walk(dir)
  return files
}

/**
 * Run the built CLI on a pseudo-terminal (util-linux `script`), as a person at a terminal would;
 * `answer` is typed once the output contains `when`. The exit code is the CLI's (`script -e`).
 */
function runOnTerminal(args: string[], env: NodeJS.ProcessEnv, answer?: {text: string; when: string}): Promise<{code: null | number; output: string}> {
  const command = [process.execPath, BIN, ...args].map(word => `'${word}'`).join(' ')
  return new Promise(resolve => {
    const child = spawn('script', ['-qec', command, '/dev/null'], {env, stdio: ['pipe', 'pipe', 'pipe']})
    let output = ''
    let answered = false
    const collect = (chunk: Buffer): void => {
      output += chunk
      if (answer && !answered && output.includes(answer.when)) {
        answered = true
        child.stdin.write(answer.text)
      }
    }

    child.stdout.on('data', collect)
    child.stderr.on('data', collect)
    child.once('exit', code => {
      child.stdin.end()
      setImmediate(() => resolve({code, output}))
    })
  })
}

describe('oclif plugins: help, "did you mean", shell completion — all offline', () => {
  const s = makeSandbox()
  const cache = mkdtempSync(path.join(os.tmpdir(), 'devtrace-test-cache-'))
  const env = {...s.env, XDG_CACHE_HOME: cache}
  delete env.DEVTRACE_CACHE_DIR
  delete env.CI

  after(() => {
    s.cleanup()
    rmSync(cache, {force: true, recursive: true})
  })

  test('devtrace help summarize prints the command\'s help', async () => {
    const result = await s.run(['help', 'summarize'], {env})
    assert.equal(result.code, 0, result.stderr)
    assert.match(result.stdout, /USAGE\n\s+\$ devtrace summarize/)
    assert.match(result.stdout, /--since/)
  })

  test('a mistyped command without a terminal: the suggestion on stderr, exit 2, no prompt', async () => {
    const result = await s.run(['summarise'], {env})
    assert.equal(result.code, 2, result.stderr)
    assert.equal(result.stdout, '')
    assert.match(oneLine(result.stderr), /"summarise" is not a devtrace command; did you mean "summarize"\?/)
    assert.match(oneLine(result.stderr), /Run devtrace summarize, or devtrace help for every command\./)
    assert.doesNotMatch(result.stderr, /\(Y\/n\)/)

    const far = await s.run(['xyzzy'], {env})
    assert.equal(far.code, 2)
    assert.match(oneLine(far.stderr), /"xyzzy" is not a devtrace command\. .*Run devtrace help for every command\./)
    assert.doesNotMatch(far.stderr, /did you mean/)
  })

  test('a mistyped command with --json: the error as JSON on stdout, exit 2', async () => {
    const result = await s.run(['summarise', '--json'], {env})
    assert.equal(result.code, 2)
    assert.deepEqual(JSON.parse(result.stdout), {
      error: {
        message: '"summarise" is not a devtrace command; did you mean "summarize"?',
        exit_code: 2,
        suggestion: 'Run devtrace summarize, or devtrace help for every command.',
      },
    })
  })

  test('on a terminal under CI: no prompt either', async () => {
    const result = await runOnTerminal(['summarise'], {...env, CI: 'true'})
    assert.equal(result.code, 2, result.output)
    assert.match(oneLine(result.output), /did you mean "summarize"\?/)
    assert.doesNotMatch(result.output, /\(Y\/n\)/)
  })

  test('on a terminal: asks about the same command (stauts → status, a swap is one edit) and runs it on yes', async () => {
    const yes = await runOnTerminal(['stauts'], env, {text: 'y\r', when: '(Y/n)'})
    assert.equal(yes.code, 0, yes.output)
    assert.match(yes.output, /Did you mean .*status/)
    assert.match(yes.output, /not running/, 'status ran')

    const no = await runOnTerminal(['stauts'], env, {text: 'n\r', when: '(Y/n)'})
    assert.equal(no.code, 2, no.output)
    assert.match(oneLine(no.output), /"stauts" is not a devtrace command; did you mean "status"\?/)
  })

  test('autocomplete for bash, zsh and PowerShell: the cache goes to the platform cache folder, DEVTRACE_HOME is untouched', async () => {
    // DEVTRACE_HOME with data and state in it, as a user's would be.
    writeFileSync(path.join(s.home, 'config.json'), '{"level": "minimal"}\n', {mode: 0o600})
    assert.equal((await s.run(['status'], {env})).code, 0)
    const before = snapshot(s.home)
    for (const shell of ['bash', 'zsh', 'powershell']) {
      const result = await s.run(['autocomplete', shell], {env})
      assert.equal(result.code, 0, result.stderr)
      assert.match(result.stdout, new RegExp(`devtrace autocomplete script ${shell}`))
    }

    const script = await s.run(['autocomplete', 'script', 'bash'], {env})
    assert.equal(script.code, 0, script.stderr)
    assert.ok(script.stdout.includes(path.join(cache, 'devtrace', 'autocomplete', 'bash_setup')), script.stdout)

    assert.deepEqual(snapshot(s.home), before)
    const functions = path.join(cache, 'devtrace', 'autocomplete', 'functions')
    for (const file of ['bash/devtrace.bash', 'zsh/_devtrace', 'powershell/devtrace.ps1']) {
      assert.match(readFileSync(path.join(functions, file), 'utf8'), /summarize/, file)
    }
  })

  test('none of these opens a network connection or looks up a name', async () => {
    const trace = path.join(cache, 'network.txt')
    const runTraced = (args: string[]): CliResult & {attempts: string[]} => {
      rmSync(trace, {force: true})
      const result = spawnSync(process.execPath, ['--import', NETWORK_TRACE, BIN, ...args], {
        encoding: 'utf8', env: {...env, DEVTRACE_NETWORK_TRACE: trace},
      })
      return {
        code: result.status, signal: result.signal, stdout: result.stdout, stderr: result.stderr,
        attempts: readFileSync(trace, 'utf8').split('\n').filter(Boolean),
      }
    }

    // The trace sees a connection when there is one: fetch to a loopback port.
    const control = spawnSync(process.execPath, ['--import', NETWORK_TRACE, '--input-type=module', '-e', 'await fetch("http://127.0.0.1:45678/").catch(() => {})'], {
      encoding: 'utf8', env: {...env, DEVTRACE_NETWORK_TRACE: trace},
    })
    assert.equal(control.status, 0, control.stderr)
    assert.match(readFileSync(trace, 'utf8'), /connect .*127\.0\.0\.1/)

    const commands = ['--version', 'help', 'help summarize', 'summarise', 'autocomplete bash', 'autocomplete zsh', 'autocomplete powershell', 'autocomplete script zsh', 'autocomplete --refresh-cache']
    for (const args of commands.map(line => line.split(' '))) {
      const result = runTraced(args)
      assert.ok(result.code === 0 || result.code === 2, `${args.join(' ')}: exit ${result.code} ${result.stderr}`)
      assert.deepEqual(result.attempts, [], args.join(' '))
    }
  })
})
