import {EVENT_COLUMNS} from '../store/schema.js'

/**
 * The tables behind the `events` view (migration 7, store/schema.ts), as `forget` and `redact`
 * rewrite them. Users read `events`; a rewrite has to copy the tables themselves:
 *
 * - `events_live` (recent rows, µs) and `events_other` (compacted rows of any shape, ms) have the
 *   view's wide columns, so a change applies to them row by row;
 * - `events_moves` holds pointer moves with a position, nothing else;
 * - `events_keys` holds ONE row per keystroke: the press at `ts`, the release `up_after_ms` later.
 *
 * A change that treats the two halves of a keystroke differently (the range starts or ends
 * between press and release), or that leaves a move without a position (coarse drops evdev
 * positions), cannot stay in the narrow table: those rows go to `events_other` in the wide
 * shape, each half treated on its own, so nothing forgotten stays and nothing kept is lost.
 */

export const EVENTS_LIVE = 'events_live'
export const EVENTS_MOVES = 'events_moves'
export const EVENTS_KEYS = 'events_keys'
export const EVENTS_OTHER = 'events_other'

/** A condition on a timestamp expression (the rows a change applies to). */
export type TsCondition = (ts: string) => string

/** When the key of an `events_keys` row went up: the ts of its `key_up` half. */
export const RELEASE_TS = 'ts + to_milliseconds(up_after_ms)'

/** True for an `events_keys` row whose press and release fall on different sides of `condition`. */
export function splitKeystrokeSql(condition: TsCondition): string {
  return `(${condition('ts')}) IS DISTINCT FROM (${condition(RELEASE_TS)})`
}

/** A column of `events` (and of `events_live`/`events_other`). */
type WideColumn = (typeof EVENT_COLUMNS)[number]

/** A SELECT list of every wide column: the given expressions, the same-named column, or NULL. */
function wideList(values: Partial<Record<WideColumn, string>>, same: readonly WideColumn[]): string {
  return EVENT_COLUMNS.map(column => {
    if (values[column] !== undefined) return `${values[column]} AS ${column}`
    return same.includes(column) ? column : `NULL AS ${column}`
  }).join(', ')
}

/**
 * The `events_keys` rows of `database` matching `where`, as the `key_down` and `key_up` rows the
 * `events` view shows for them: the press with its modifiers, the release with its own modifiers
 * and the hold time.
 */
export function keyHalvesSql(database: string, where: string): string {
  const from = `FROM ${database}.main.${EVENTS_KEYS} WHERE ${where}`
  const shared: WideColumn[] = ['session_id', 'key_code', 'key_class', 'app']
  const down = wideList({ts: 'ts::TIMESTAMP', kind: '\'key_down\''}, [...shared, 'modifiers'])
  const up = wideList({
    ts: `(${RELEASE_TS})::TIMESTAMP`, kind: '\'key_up\'', modifiers: 'up_modifiers', hold_ms: 'hold_ms',
  }, shared)
  return `SELECT ${down} ${from} UNION ALL SELECT ${up} ${from}`
}

/** The `events_moves` rows of `database` matching `where`, as the `mouse_move` rows of `events`. */
export function wideMovesSql(database: string, where: string): string {
  const list = wideList({ts: 'ts::TIMESTAMP', kind: '\'mouse_move\''}, ['session_id', 'x', 'y', 'app'])
  return `SELECT ${list} FROM ${database}.main.${EVENTS_MOVES} WHERE ${where}`
}
