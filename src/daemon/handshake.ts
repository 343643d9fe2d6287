import type {HandshakeMessage} from './spawn.js'

/** When started by `devtrace start`, tell the waiting parent how startup went. False when there is no parent. */
export function reportToParent(message: HandshakeMessage): boolean {
  if (!process.send || !process.connected) return false
  process.send(message, () => {
    // Let go of the parent so it can exit while the daemon carries on.
    if (process.connected) process.disconnect()
  })
  return true
}
