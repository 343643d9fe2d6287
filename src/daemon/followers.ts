import type {CapturedEvent} from '../capture/event.js'
import type {ReplyChannel} from '../ipc/server.js'

import {EVENT_COLUMNS, eventToJson} from '../capture/event-json.js'

/** Events held for one slow follower before newer ones are dropped (and counted). */
const FOLLOWER_BACKLOG = 10_000
const BATCH = 500

interface Follower {
  channel: ReplyChannel
  kinds: Set<string> | undefined
  backlog: unknown[][]
  sending: boolean
}

/**
 * Clients of `inspect --follow`. Each gets its own bounded backlog: a client that stops
 * reading loses events (counted), never the daemon's memory or the capture itself.
 */
export class Followers {
  private readonly followers = new Set<Follower>()
  private droppedCount = 0

  constructor(
    private readonly sessionId: number,
    private readonly onActiveChange: (active: boolean) => void,
  ) {}

  get active(): boolean {
    return this.followers.size > 0
  }

  get dropped(): number {
    return this.droppedCount
  }

  /** Serve one follower until it disconnects. */
  async follow(channel: ReplyChannel, kinds: string[] | undefined): Promise<void> {
    const follower: Follower = {
      channel, kinds: kinds?.length ? new Set(kinds) : undefined, backlog: [], sending: false,
    }
    this.followers.add(follower)
    if (this.followers.size === 1) this.onActiveChange(true)
    await channel.send({type: 'rows', columns: [...EVENT_COLUMNS], rows: []})
    await new Promise<void>(resolve => {
      channel.onClose(resolve)
    })
    this.followers.delete(follower)
    if (this.followers.size === 0) this.onActiveChange(false)
  }

  publish(events: readonly CapturedEvent[]): void {
    for (const follower of this.followers) {
      for (const event of events) {
        if (follower.kinds && !follower.kinds.has(event.kind)) continue
        if (follower.backlog.length >= FOLLOWER_BACKLOG) {
          this.droppedCount++
          continue
        }

        follower.backlog.push(Object.values(eventToJson(event, this.sessionId)))
      }

      if (!follower.sending) this.pump(follower).catch(() => follower.backlog.splice(0))
    }
  }

  /** Tell every follower the stream is over (the daemon is stopping). */
  async endAll(): Promise<void> {
    await Promise.all([...this.followers].map(async follower => {
      while (follower.sending) await new Promise(resolve => {
        setTimeout(resolve, 10)
      })
      await follower.channel.send({type: 'end'})
    }))
  }

  private async pump(follower: Follower): Promise<void> {
    follower.sending = true
    while (follower.backlog.length > 0 && !follower.channel.closed) {
      await follower.channel.send({type: 'rows', rows: follower.backlog.splice(0, BATCH)})
    }

    follower.sending = false
  }
}
