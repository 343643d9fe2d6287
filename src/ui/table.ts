import Table from 'cli-table3'

import {colourFor} from './colour.js'

/** A borderless, aligned table for the terminal (and plain text in a pipe). */
export function renderTable(head: string[], rows: string[][]): string {
  const c = colourFor()
  const table = new Table({
    head: head.map(title => c.bold(title)),
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
  return table.toString()
}
