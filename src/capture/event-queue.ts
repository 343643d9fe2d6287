/**
 * The bounded hand-off between the hook callback and the writer. The callback must never
 * block or allocate much, and memory must stay bounded under a flood, so when full we drop
 * the new event and count it: drops are reported, never silent.
 */
export class EventQueue<T> {
  private items: T[] = []
  private droppedCount = 0

  constructor(readonly capacity: number) {}

  get dropped(): number {
    return this.droppedCount
  }

  get length(): number {
    return this.items.length
  }

  push(item: T): boolean {
    if (this.items.length >= this.capacity) {
      this.droppedCount++
      return false
    }

    this.items.push(item)
    return true
  }

  /** Take everything queued so far, oldest first. */
  drain(): T[] {
    const {items} = this
    this.items = []
    return items
  }
}
