import Table from 'cli-table3'

import {colourFor} from './colour.js'

/** A borderless, aligned table for the terminal (and plain text in a pipe). */
export function renderTable(head: string[], rows: string[][]): string {
  return new TablePages(head).page(rows)
}

/**
 * A table printed a page at a time, so the first rows of a long result show at once: the first
 * page (with the header) sets the column widths and later pages keep them, cutting a longer
 * cell with "…" rather than shifting the columns.
 */
export class TablePages {
  private widths: number[] | undefined

  constructor(private readonly head: string[]) {}

  page(rows: string[][]): string {
    const c = colourFor()
    const table = new Table({
      head: this.widths ? [] : this.head.map(title => c.bold(title)),
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
    table.push(...rows)
    const text = table.toString()
    // cli-table3 fills in the widths it computed; keep them for the pages that follow.
    this.widths ??= table.options.colWidths.map(width => width ?? 1)
    return text
  }
}
