/**
 * Help text is written wrapped in the source but oclif wraps it again to the terminal's width,
 * which leaves ragged lines. Unwrap it: a line break inside a paragraph becomes a space; blank
 * lines, indented lines and list items (`- …`) stay on lines of their own.
 */
export function prose(text: string): string {
  const lines = text.split('\n')
  let result = ''
  for (const [index, line] of lines.entries()) {
    const previous = index > 0 ? lines[index - 1] : ''
    const ownLine = (text: string): boolean => text.trim() === '' || /^(\s|- )/.test(text)
    const joins = index > 0 && !ownLine(previous) && !ownLine(line) && !previous.endsWith(':')
    result += index === 0 ? line : (joins ? ` ${line}` : `\n${line}`)
  }

  return result
}
