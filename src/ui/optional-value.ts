/**
 * oclif string flags always take a value, but SPEC lets `--redact` stand alone (meaning
 * `coarse`). Before parsing, give a bare `--flag` its default: when it is the last argument or
 * the next one is another flag. `--flag value` and `--flag=value` pass through unchanged, and
 * nothing after `--` is touched.
 */
export function withDefaultValue(argv: readonly string[], flag: string, value: string): string[] {
  const result: string[] = []
  for (let index = 0; index < argv.length; index++) {
    const arg = argv[index]
    if (arg === '--') {
      result.push(...argv.slice(index))
      break
    }

    result.push(arg)
    if (arg === flag) {
      const next = argv[index + 1]
      if (next === undefined || next.startsWith('-')) result.push(value)
    }
  }

  return result
}
