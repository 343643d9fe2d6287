/**
 * Help text is written wrapped in the source but oclif wraps it again to the terminal's width,
 * which leaves ragged lines. Unwrap it: a line break inside a paragraph becomes a space; blank
 * lines and indented lines (lists, aligned continuations) stay as they are.
 */
export function prose(text: string): string {
  const lines = text.split('\n')
  let result = ''
  for (const [index, line] of lines.entries()) {
    const previous = index > 0 ? lines[index - 1] : ''
    const joins = index > 0 && previous.trim() !== '' && !/^\s/.test(previous) && line.trim() !== '' && !/^\s/.test(line)
    result += index === 0 ? line : (joins ? ` ${line}` : `\n${line}`)
  }

  return result
}
