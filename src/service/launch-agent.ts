import os from 'node:os'
import path from 'node:path'

import type {ServiceLaunch} from './launch.js'

export const LAUNCH_AGENT_LABEL = 'dev.devtrace.daemon'

/** ~/Library/LaunchAgents/dev.devtrace.daemon.plist: per-user agents launchd loads at login. */
export function launchAgentPath(env: NodeJS.ProcessEnv = process.env): string {
  return path.join(env.HOME || os.homedir(), 'Library', 'LaunchAgents', `${LAUNCH_AGENT_LABEL}.plist`)
}

/**
 * The LaunchAgent: run at load (login), in the Aqua (GUI) session only, where input can be
 * seen; kept alive only after an unsuccessful exit, so `devtrace stop` (exit 0) stays stopped;
 * ThrottleInterval spaces the restarts of a daemon that keeps failing.
 */
export function launchAgentPlist(launch: ServiceLaunch): string {
  const strings = (values: string[]): string[] => values.map(value => `    <string>${xmlText(value)}</string>`)
  const environment = Object.entries(launch.environment).flatMap(([name, value]) => [`    <key>${xmlText(name)}</key>`, `    <string>${xmlText(value)}</string>`])
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">',
    '<plist version="1.0">',
    '<dict>',
    '  <key>Label</key>',
    `  <string>${LAUNCH_AGENT_LABEL}</string>`,
    '  <key>ProgramArguments</key>',
    '  <array>',
    ...strings([launch.node, launch.script, ...launch.args]),
    '  </array>',
    ...(environment.length > 0 ? ['  <key>EnvironmentVariables</key>', '  <dict>', ...environment, '  </dict>'] : []),
    '  <key>RunAtLoad</key>',
    '  <true/>',
    '  <key>KeepAlive</key>',
    '  <dict>',
    '    <key>SuccessfulExit</key>',
    '    <false/>',
    '  </dict>',
    '  <key>ThrottleInterval</key>',
    '  <integer>10</integer>',
    '  <key>LimitLoadToSessionType</key>',
    '  <string>Aqua</string>',
    '  <key>ProcessType</key>',
    '  <string>Interactive</string>',
    '</dict>',
    '</plist>',
    '',
  ].join('\n')
}

/** Text in an XML element. */
export function xmlText(text: string): string {
  return text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;')
}
