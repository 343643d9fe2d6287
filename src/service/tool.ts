import {execFile} from 'node:child_process'

export interface ToolResult {
  /** The exit code; null when the program could not be run at all (not installed). */
  code: null | number
  stdout: string
  stderr: string
}

/** Run a service manager's own tool (systemctl, launchctl, schtasks); never throws, the caller judges the result. */
export function runTool(program: string, args: string[], env: NodeJS.ProcessEnv = process.env): Promise<ToolResult> {
  return new Promise(resolve => {
    execFile(program, args, {env, encoding: 'utf8', windowsHide: true}, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : null) : 0
      resolve({code, stdout: stdout ?? '', stderr: stderr ?? ''})
    })
  })
}

/** The tool's own words for a failure, for an error message: its last line of stderr. */
export function toolProblem(result: ToolResult): string {
  const lines = `${result.stderr}\n${result.stdout}`.trim().split('\n').filter(Boolean)
  return lines.at(-1) ?? (result.code === null ? 'it could not be run' : `it exited with code ${result.code}`)
}
