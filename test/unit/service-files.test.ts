import {XMLParser, XMLValidator} from 'fast-xml-parser'
import assert from 'node:assert/strict'
import {existsSync} from 'node:fs'
import path from 'node:path'
import {describe, test} from 'node:test'
import {stripVTControlCharacters} from 'node:util'

import {LAUNCH_AGENT_LABEL, launchAgentPath, launchAgentPlist} from '../../src/service/launch-agent.js'
import {type ServiceLaunch, serviceLaunch} from '../../src/service/launch.js'
import {scheduledTaskXml} from '../../src/service/scheduled-task.js'
import {systemdUnit, systemdUnitPath} from '../../src/service/systemd-unit.js'
import {autostartEntry, autostartPath} from '../../src/service/xdg-autostart.js'
import {serviceChangeText, serviceStatusText} from '../../src/ui/service-view.js'

/** Paths a real install may have: spaces, and characters each format treats specially. */
const AWKWARD: ServiceLaunch = {
  node: '/opt/node 20/bin/node',
  script: String.raw`/home/a&b/100% "dev"/$trace\bin/run.js`,
  args: ['start', '--foreground'],
  environment: {DEVTRACE_HOME: '/home/a&b/state <x> 50%'},
}
const PLAIN: ServiceLaunch = {
  node: '/usr/bin/node', script: '/usr/lib/devtrace/bin/run.js', args: ['start', '--foreground'], environment: {},
}

/** An INI-style file (systemd units, desktop entries): sections of key=value lines; repeated keys kept in order. */
function parseIni(text: string): Map<string, Map<string, string[]>> {
  const sections = new Map<string, Map<string, string[]>>()
  let current: Map<string, string[]> | undefined
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue
    const section = /^\[([^\]]+)]$/.exec(line)
    if (section) {
      assert.ok(!sections.has(section[1]), `section ${section[1]} once`)
      current = new Map()
      sections.set(section[1], current)
      continue
    }

    const pair = /^([\w-]+)=(.*)$/.exec(line)
    assert.ok(pair && current, `a key=value line inside a section: ${line}`)
    current.set(pair[1], [...(current.get(pair[1]) ?? []), pair[2]])
  }

  return sections
}

/** `%%` → `%` and `$$` → `$`; a lone `%` (a specifier) or `$` (a variable) would be expanded: refused. */
function undouble(word: string, chars: string): string {
  return word.replaceAll(new RegExp(`[${chars}].?`, 'g'), pair => {
    if (pair.length === 2 && pair[0] === pair[1]) return pair[0]
    throw new Error(`${pair[0]} that is not doubled in ${word}`)
  })
}

/** systemd's word splitting of ExecStart (quotes, C escapes), with its specifiers and variables. */
function systemdWords(value: string, chars = '%$'): string[] {
  const words: string[] = []
  for (const match of value.matchAll(/"((?:[^"\\]|\\.)*)"|(\S+)/g)) {
    const word = match[1] === undefined ? match[2] : match[1].replaceAll(/\\(.)/g, '$1')
    words.push(undouble(word, chars))
  }

  return words
}

/**
 * Desktop Entry Exec: the string escapes first (only \\s \\n \\t \\r \\\\ exist), then quoting, where
 * `"`, `` ` ``, `$` and `\\` must take a backslash, then `%%` (a lone `%` is a field code).
 */
function desktopExecWords(value: string): string[] {
  const strings: Record<string, string> = {
    s: ' ', n: '\n', t: '\t', r: '\r', '\\': '\\',
  }
  const unescaped = value.replaceAll(/\\(.)/g, (_, char: string) => {
    if (!(char in strings)) throw new Error(`\\${char} is no string escape in ${value}`)
    return strings[char]
  })
  const words: string[] = []
  for (const match of unescaped.matchAll(/"((?:[^"\\]|\\.)*)"|(\S+)/g)) {
    const word = match[1] === undefined
      ? match[2]
      : match[1].replaceAll(/\\(.)/g, (_, char: string) => {
        if (!'"$\\`'.includes(char)) throw new Error(`\\${char} inside quotes in ${value}`)
        return char
      })
    if (match[1] !== undefined && /[$`]/.test(match[1].replaceAll(/\\./g, ''))) throw new Error(`unescaped $ or \` in ${value}`)
    words.push(undouble(word, '%'))
  }

  return words
}

describe('systemd user unit', () => {
  test('has the keys for the graphical session, restarts with a limit, a clean stop and the lean foreground start', () => {
    const unit = parseIni(systemdUnit(PLAIN))
    assert.deepEqual([...unit.keys()], ['Unit', 'Service', 'Install'])
    const value = (section: string, key: string): string[] | undefined => unit.get(section)!.get(key)
    assert.deepEqual(value('Unit', 'PartOf'), ['graphical-session.target'])
    assert.deepEqual(value('Unit', 'After'), ['graphical-session.target'])
    assert.ok(Number(value('Unit', 'StartLimitIntervalSec')![0]) > 0)
    assert.ok(Number(value('Unit', 'StartLimitBurst')![0]) > 0)
    assert.deepEqual(value('Service', 'Restart'), ['on-failure'])
    assert.deepEqual(value('Service', 'KillSignal'), ['SIGTERM'])
    assert.deepEqual(value('Service', 'KillMode'), ['mixed'])
    assert.deepEqual(value('Service', 'ExecStart'), ['/usr/bin/node /usr/lib/devtrace/bin/run.js start --foreground'])
    assert.equal(value('Service', 'Environment'), undefined)
    assert.deepEqual(value('Install', 'WantedBy'), ['graphical-session.target'])
  })

  test('quotes awkward paths so systemd splits them back into the same words, and passes state through', () => {
    const unit = parseIni(systemdUnit(AWKWARD))
    assert.deepEqual(systemdWords(unit.get('Service')!.get('ExecStart')![0]), [AWKWARD.node, AWKWARD.script, 'start', '--foreground'])
    const environment = unit.get('Service')!.get('Environment')!
    assert.equal(environment.length, 1)
    // No variables in Environment=, only specifiers.
    assert.deepEqual(systemdWords(environment[0], '%'), [`DEVTRACE_HOME=${AWKWARD.environment.DEVTRACE_HOME}`])
  })

  test('lives in $XDG_CONFIG_HOME/systemd/user, else ~/.config', () => {
    assert.equal(systemdUnitPath({XDG_CONFIG_HOME: '/c', HOME: '/h'}), '/c/systemd/user/devtrace.service')
    assert.equal(systemdUnitPath({HOME: '/h'}), '/h/.config/systemd/user/devtrace.service')
  })
})

describe('XDG autostart entry', () => {
  test('is a hidden application whose Exec splits back into env, node, run.js and the foreground start', () => {
    const entry = parseIni(autostartEntry(AWKWARD))
    assert.deepEqual([...entry.keys()], ['Desktop Entry'])
    const keys = entry.get('Desktop Entry')!
    assert.deepEqual(keys.get('Type'), ['Application'])
    assert.deepEqual(keys.get('Name'), ['devtrace'])
    assert.deepEqual(keys.get('Terminal'), ['false'])
    assert.deepEqual(keys.get('NoDisplay'), ['true'])
    assert.deepEqual(desktopExecWords(keys.get('Exec')![0]), [
      'env', `DEVTRACE_HOME=${AWKWARD.environment.DEVTRACE_HOME}`, AWKWARD.node, AWKWARD.script, 'start', '--foreground',
    ])
    assert.deepEqual(desktopExecWords(parseIni(autostartEntry(PLAIN)).get('Desktop Entry')!.get('Exec')![0]), [PLAIN.node, PLAIN.script, 'start', '--foreground'])
  })

  test('lives in $XDG_CONFIG_HOME/autostart', () => {
    assert.equal(autostartPath({XDG_CONFIG_HOME: '/c'}), '/c/autostart/devtrace.desktop')
  })
})

type PlistNode = Record<string, unknown>

/** A plist value from fast-xml-parser's ordered output: dict, array, string, integer, true, false. */
function plistValue(node: PlistNode): unknown {
  const tag = Object.keys(node).find(key => key !== ':@')
  const children = node[tag] as PlistNode[]
  switch (tag) {
  case 'array': {
    return children.map(child => plistValue(child))
  }

  case 'dict': {
    const result: Record<string, unknown> = {}
    for (let i = 0; i < children.length; i += 2) {
      const key = (children[i].key as PlistNode[])[0]['#text'] as string
      result[key] = plistValue(children[i + 1])
    }

    return result
  }

  case 'false': {
    return false
  }

  case 'integer': {
    return Number(children[0]['#text'])
  }

  case 'string': {
    return children.length === 0 ? '' : String(children[0]['#text'])
  }

  case 'true': {
    return true
  }

  default: {
    throw new Error(`unexpected plist element ${tag}`)
  }
  }
}

function parsePlist(xml: string): Record<string, unknown> {
  assert.equal(XMLValidator.validate(xml), true)
  const document = new XMLParser({preserveOrder: true, parseTagValue: false}).parse(xml) as PlistNode[]
  const plist = document.find(node => 'plist' in node)!
  const dict = (plist.plist as PlistNode[]).find(node => 'dict' in node)!
  return plistValue(dict) as Record<string, unknown>
}

describe('macOS LaunchAgent', () => {
  test('runs at load, is kept alive after a failure with a throttle, and runs the foreground start with state passed through', () => {
    const plist = parsePlist(launchAgentPlist(AWKWARD))
    assert.equal(plist.Label, LAUNCH_AGENT_LABEL)
    assert.deepEqual(plist.ProgramArguments, [AWKWARD.node, AWKWARD.script, 'start', '--foreground'])
    assert.deepEqual(plist.EnvironmentVariables, AWKWARD.environment)
    assert.equal(plist.RunAtLoad, true)
    assert.deepEqual(plist.KeepAlive, {SuccessfulExit: false})
    assert.ok((plist.ThrottleInterval as number) > 0)
    assert.equal(plist.LimitLoadToSessionType, 'Aqua')
    assert.equal('EnvironmentVariables' in parsePlist(launchAgentPlist(PLAIN)), false)
  })

  test('lives in ~/Library/LaunchAgents', () => {
    assert.equal(launchAgentPath({HOME: '/Users/u'}), `/Users/u/Library/LaunchAgents/${LAUNCH_AGENT_LABEL}.plist`)
  })
})

describe('Windows Task Scheduler task', () => {
  /** The task's parsed document, read as `task('Settings.ExecutionTimeLimit')`. */
  const parse = (xml: string): (dotted: string) => unknown => {
    assert.equal(XMLValidator.validate(xml), true)
    const document: unknown = new XMLParser({ignoreAttributes: false, parseTagValue: false}).parse(xml)
    return dotted => {
      let node = document
      for (const key of ['Task', ...dotted.split('.')]) node = (node as Record<string, unknown>)[key]
      return node
    }
  }

  test('starts at this user\'s logon in their session, without a time limit, restarted after failures', () => {
    const launch: ServiceLaunch = {...PLAIN, node: String.raw`C:\Program Files\nodejs\node.exe`, script: String.raw`C:\Users\u\devtrace\bin\run.js`}
    const task = parse(scheduledTaskXml(launch, String.raw`PC\u&me`))
    assert.equal(task('@_xmlns'), 'http://schemas.microsoft.com/windows/2004/02/mit/task')
    assert.equal(task('Triggers.LogonTrigger.UserId'), String.raw`PC\u&me`)
    assert.equal(task('Triggers.LogonTrigger.Enabled'), 'true')
    assert.equal(task('Principals.Principal.LogonType'), 'InteractiveToken')
    assert.equal(task('Principals.Principal.RunLevel'), 'LeastPrivilege')
    assert.equal(task('Settings.ExecutionTimeLimit'), 'PT0S')
    assert.equal(task('Settings.MultipleInstancesPolicy'), 'IgnoreNew')
    assert.equal(task('Settings.DisallowStartIfOnBatteries'), 'false')
    assert.ok(Number(task('Settings.RestartOnFailure.Count')) > 0)
    assert.match(task('Settings.RestartOnFailure.Interval') as string, /^PT\d+M$/)
    assert.equal(task('Actions.Exec.Command'), launch.node)
    assert.equal(task('Actions.Exec.Arguments'), `${launch.script} start --foreground`)
  })

  test('sets passed-through variables through cmd, with quoted paths', () => {
    const task = parse(scheduledTaskXml({...AWKWARD, node: String.raw`C:\Program Files\nodejs\node.exe`, script: String.raw`C:\dev trace\bin\run.js`}, 'u'))
    assert.equal(task('Actions.Exec.Command'), 'cmd.exe')
    assert.equal(task('Actions.Exec.Arguments'), String.raw`/d /c set "DEVTRACE_HOME=/home/a&b/state <x> 50%" && "C:\Program Files\nodejs\node.exe" "C:\dev trace\bin\run.js" start --foreground`)
  })
})

describe('what the service runs', () => {
  test('the absolute node and bin/run.js of this install, and only the state variables that are set', () => {
    const launch = serviceLaunch({DEVTRACE_HOME: 'relative/home', PATH: '/bin'})
    assert.equal(launch.node, process.execPath)
    assert.ok(path.isAbsolute(launch.script) && existsSync(launch.script))
    assert.equal(path.basename(launch.script), 'run.js')
    assert.deepEqual(launch.args, ['start', '--foreground'])
    assert.deepEqual(launch.environment, {DEVTRACE_HOME: path.resolve('relative/home')})
    assert.deepEqual(serviceLaunch({XDG_DATA_HOME: '/d'}).environment, {XDG_DATA_HOME: '/d'})
  })
})

describe('install and uninstall say what they did', () => {
  test('every file written, unchanged or removed is named, and the daemon stopped by hand', () => {
    const installed = serviceChangeText({
      manager: 'systemd', files: [{path: '/c/devtrace.service', action: 'written'}], imported_environment: ['DISPLAY'], stopped_pid: 41, pid: 42,
    }, 'install')
    assert.match(installed, /^Wrote \/c\/devtrace\.service$/m)
    assert.match(installed, /pid 41/)
    assert.match(installed, /capturing now \(pid 42\)/)
    const removed = serviceChangeText({
      manager: 'xdg-autostart', files: [{path: '/c/devtrace.desktop', action: 'removed'}], imported_environment: [], stopped_pid: null, pid: null,
    }, 'uninstall')
    assert.match(removed, /^Removed \/c\/devtrace\.desktop$/m)
    assert.match(serviceChangeText({
      manager: 'systemd', files: [], imported_environment: [], stopped_pid: null, pid: null,
    }, 'uninstall'), /nothing to remove/)
  })
})

describe('service status says what runs and where', () => {
  test('a running unit with its pid and file; not installed says how to install', () => {
    // Colour is the terminal's business (FORCE_COLOR may turn it on): the words are checked.
    const text = (status: Parameters<typeof serviceStatusText>[0]): string => stripVTControlCharacters(serviceStatusText(status))
    const running = text({
      manager: 'systemd', files: ['/c/devtrace.service'], installed: true, active: true, enabled: true, pid: 42, state: 'active',
    })
    assert.match(running, /^installed +yes$/m)
    assert.match(running, /^at login +yes$/m)
    assert.match(running, /^running +yes, pid 42$/m)
    assert.match(running, /^files +\/c\/devtrace\.service$/m)
    const failed = text({
      manager: 'systemd', files: ['/c/devtrace.service'], installed: true, active: false, enabled: true, pid: null, state: 'failed',
    })
    assert.match(failed, /^running +no \(failed\)$/m)
    const absent = text({
      manager: 'xdg-autostart', files: ['/c/devtrace.desktop'], installed: false, active: null, enabled: false, pid: null, state: null,
    })
    assert.doesNotMatch(absent, /^running/m, 'an autostart entry cannot say whether it runs')
    assert.match(absent, /devtrace service install/)
  })
})
