import {Flags} from '@oclif/core'

import type {RedactPreview, RedactResult} from '../privacy/redact.js'

import {PROFILES} from '../privacy/profiles.js'
import {BaseCommand} from '../ui/base-command.js'
import {localTime} from '../ui/event-format.js'
import {prose} from '../ui/prose.js'
import {parseRange, TIME_FORMS, toMicros} from '../ui/time.js'

const CHANGES: Record<string, string> = {
  key_code: 'key codes removed',
  ts: 'times rounded to 100 ms',
  x: 'x snapped to the 100 px grid',
  y: 'y snapped to the 100 px grid',
  app: 'app names replaced by their salted hash',
}

export default class Redact extends BaseCommand {
  static description = prose(`Redact stored events in place with a profile.

- keys: key codes are removed (set to NULL).
- coarse: key codes removed, times rounded to 100 ms, positions snapped to a 100 px grid, app names replaced by a salted hash (the values export --redact coarse gives), window titles removed.
- aggregate: refused. It keeps no per-event rows, so in place it would delete every event in the range; use devtrace forget for that.

Shows what will change first and asks; without a terminal it needs --yes. The database is rewritten
into a new file and swapped in, so the original values are not left behind in free blocks or the
write-ahead log. Without --since/--until: everything recorded up to now. Works while the daemon
runs. Recorded in the ledger (devtrace audit).`)
  static examples = [
    {command: '<%= config.bin %> redact --profile keys', description: 'Drop every stored key code (asks first).'},
    {command: '<%= config.bin %> redact --profile coarse --since yesterday --until today --dry-run', description: 'Show what coarse would change for yesterday; change nothing.'},
    {command: '<%= config.bin %> redact --profile keys --yes --json', description: 'Without asking; the result as JSON.'},
  ]
  static flags = {
    profile: Flags.string({
      char: 'p', description: 'The redaction profile to apply.', options: [...PROFILES], required: true,
    }),
    since: Flags.string({description: `Only events at or after this time: ${TIME_FORMS}.`}),
    until: Flags.string({description: 'Only events before this time (same forms as --since).'}),
    'dry-run': Flags.boolean({description: 'Show what would change and change nothing.'}),
    yes: Flags.boolean({char: 'y', description: 'Do not ask for confirmation (needed without a terminal).'}),
  }

  async run(): Promise<(RedactPreview & {changed: false; dry_run: boolean; profile: string}) | (RedactResult & {changed: true})> {
    const {flags} = await this.parse(Redact)
    const now = new Date()
    const range = parseRange(flags.since, flags.until, now)
    const {redactParams, redactPreviewQuery, previewFromRow} = await import('../privacy/redact.js')
    const params = redactParams({
      profile: flags.profile,
      sinceMicros: range.since && toMicros(range.since),
      untilMicros: range.until && toMicros(range.until),
    }, toMicros(now))

    const {openStore} = await import('../store/store.js')
    const store = await openStore(this.paths)
    let preview: RedactPreview
    try {
      const {sql, params: queryParams} = redactPreviewQuery(params)
      let row: Record<string, unknown> = {rows: 0}
      for await (const batch of store.query(sql, queryParams)) {
        if (batch.rows[0]) row = Object.fromEntries(batch.columns.map((column, index) => [column, batch.rows[0][index]]))
      }

      preview = previewFromRow(row)
    } finally {
      store.close()
    }

    const from = params.sinceMicros === undefined ? 'from the start' : `from ${localTime(new Date(params.sinceMicros / 1000).toISOString())}`
    const between = `${from} to ${localTime(new Date(params.untilMicros! / 1000).toISOString())}`
    if (!this.jsonEnabled()) this.render(flags.profile, preview, between)
    if (flags['dry-run'] || preview.rows === 0) {
      if (flags['dry-run'] && !this.jsonEnabled()) this.log('Dry run: nothing was changed.')
      return {
        changed: false, dry_run: flags['dry-run'], profile: flags.profile, ...preview,
      }
    }

    const {requireConsent} = await import('../ui/consent.js')
    await requireConsent({
      yes: flags.yes,
      question: `Rewrite ${preview.rows} events with profile ${flags.profile}? This cannot be undone.`,
      nothingDone: 'Nothing was changed.',
    })

    const {runOperation} = await import('../store/run-operation.js')
    const result = await runOperation(this.paths, 'redact', {...params})
    if (!this.jsonEnabled()) this.log(`Redacted ${result.rows} events with profile ${result.profile}; the database was rewritten in ${result.seconds.toFixed(1)} s.`)
    return {...result, changed: true}
  }

  private render(profile: string, preview: RedactPreview, between: string): void {
    if (preview.rows === 0) {
      this.log(`No events recorded ${between}; nothing to redact.`)
      return
    }

    this.log(`redact --profile ${profile}: ${preview.rows} events recorded ${between}.`)
    const width = Math.max(...Object.keys(preview.columns).map(column => column.length))
    for (const [column, count] of Object.entries(preview.columns)) {
      this.log(`  ${column.padEnd(width)}  ${String(count).padStart(8)} values change (${CHANGES[column] ?? 'changed'})`)
    }
  }
}
