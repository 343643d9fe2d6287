import Table from 'cli-table3'

import {colourFor} from './colour.js'
import {safeText} from './safe-text.js'

/** A cell already made safe and coloured by the caller (see `styled`); printed as it is. */
class StyledCell {
  constructor(readonly text: string) {}
}

export type TableCell = StyledCell | string

/**
 * Colour a cell: its text is made safe first, then wrapped in the colour's escape codes, which
 * must reach the terminal as they are.
 */
export function styled(text: string, colour: (text: string) => string): TableCell {
  return new StyledCell(colour(safeText(text)))
}

/** A borderless, aligned table for the terminal (and plain text in a pipe). */
export function renderTable(head: string[], rows: TableCell[][]): string {
  return new TablePages(head).page(rows)
}

/**
 * A table printed a page at a time, so the first rows of a long result show at once: the first
 * page (with the header) sets the column widths and later pages keep them, cutting a longer
 * cell with "…" rather than shifting the columns. Every cell is shown through safeText: values
 * come from other programs (app classes, titles, query results), and a control character in
 * one would act on the terminal or break the row.
 */
export class TablePages {
  private widths: number[] | undefined

  constructor(private readonly head: string[]) {}

  page(rows: TableCell[][]): string {
    const c = colourFor()
    const table = new Table({
      head: this.widths ? [] : this.head.map(title => c.bold(safeText(title))),
      colWidths: this.widths ? [...this.widths] : [],
      chars: {
        top: '', 'top-mid': '', 'top-left': '', 'top-right': '',
        bottom: '', 'bottom-mid': '', 'bottom-left': '', 'bottom-right': '',
        left: '', 'left-mid': '', mid: '', 'mid-mid': '', right: '', 'right-mid': '', middle: '  ',
      },
      style: {
        head: [], border: [], 'padding-left': 0, 'padding-right': 0,
      },
    })
    table.push(...rows.map(row => row.map(cell => (cell instanceof StyledCell ? cell.text : safeText(cell)))))
    const text = table.toString()
    // cli-table3 fills in the widths it computed; keep them for the pages that follow.
    this.widths ??= table.options.colWidths.map(width => width ?? 1)
    return text
  }
}
