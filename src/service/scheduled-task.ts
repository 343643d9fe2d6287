import type {ServiceLaunch} from './launch.js'

import {xmlText} from './launch-agent.js'

export const TASK_NAME = 'devtrace'

/**
 * The Task Scheduler task (schema 1.2, as `schtasks /Create /XML` reads it): at this user's
 * logon, in their interactive session (input is only visible there), with no time limit,
 * restarted a few times a minute apart after a failure, one instance at a time. Task Scheduler
 * sets no variables, so passed-through ones go through `cmd /d /c set … &&`.
 */
export function scheduledTaskXml(launch: ServiceLaunch, userId: string): string {
  const variables = Object.entries(launch.environment)
  const direct = [launch.script, ...launch.args].map(word => windowsArg(word)).join(' ')
  const [command, argumentsText] = variables.length === 0
    ? [launch.node, direct]
    : ['cmd.exe', `/d /c ${variables.map(([name, value]) => `set "${name}=${value}"`).join(' && ')} && ${windowsArg(launch.node)} ${direct}`]
  const user = xmlText(userId)
  return [
    '<?xml version="1.0" encoding="UTF-16"?>',
    '<Task version="1.2" xmlns="http://schemas.microsoft.com/windows/2004/02/mit/task">',
    '  <RegistrationInfo>',
    '    <Description>devtrace: record your own keyboard and mouse input to your own disk</Description>',
    `    <URI>\\${TASK_NAME}</URI>`,
    '  </RegistrationInfo>',
    '  <Triggers>',
    '    <LogonTrigger>',
    '      <Enabled>true</Enabled>',
    `      <UserId>${user}</UserId>`,
    '    </LogonTrigger>',
    '  </Triggers>',
    '  <Principals>',
    '    <Principal id="Author">',
    `      <UserId>${user}</UserId>`,
    '      <LogonType>InteractiveToken</LogonType>',
    '      <RunLevel>LeastPrivilege</RunLevel>',
    '    </Principal>',
    '  </Principals>',
    '  <Settings>',
    '    <MultipleInstancesPolicy>IgnoreNew</MultipleInstancesPolicy>',
    '    <DisallowStartIfOnBatteries>false</DisallowStartIfOnBatteries>',
    '    <StopIfGoingOnBatteries>false</StopIfGoingOnBatteries>',
    '    <AllowStartOnDemand>true</AllowStartOnDemand>',
    '    <Enabled>true</Enabled>',
    '    <Hidden>true</Hidden>',
    '    <ExecutionTimeLimit>PT0S</ExecutionTimeLimit>',
    '    <RestartOnFailure>',
    '      <Interval>PT1M</Interval>',
    '      <Count>5</Count>',
    '    </RestartOnFailure>',
    '  </Settings>',
    '  <Actions Context="Author">',
    '    <Exec>',
    `      <Command>${xmlText(command)}</Command>`,
    `      <Arguments>${xmlText(argumentsText)}</Arguments>`,
    '    </Exec>',
    '  </Actions>',
    '</Task>',
    '',
  ].join('\r\n')
}

/** One argument as Windows programs split their command line: quoted when it holds a space. */
function windowsArg(word: string): string {
  return /[\s"]/.test(word) ? `"${word.replaceAll('"', String.raw`\"`)}"` : word
}
