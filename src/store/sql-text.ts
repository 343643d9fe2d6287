/** A string literal for SQL text where DuckDB takes no parameter (ATTACH, COPY … TO, a file path in FROM). */
export function sqlString(text: string): string {
  return `'${text.replaceAll('\'', '\'\'')}'`
}

/** An identifier for SQL text: a table name read from the catalogue, whatever it holds. */
export function quoteIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`
}
