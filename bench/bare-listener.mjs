/**
 * bench/bare-listener.mjs: the cheapest possible uiohook-napi client, the baseline bench/daemon.ts
 * compares the capture daemon with. It starts the hook, counts events (mouse moves separately)
 * and does nothing else. Prints "ready" once the hook runs; on SIGTERM prints
 * {"events": N, "moves": M} and exits.
 *
 *   DISPLAY=:N node bench/bare-listener.mjs
 */
import {uIOhook} from 'uiohook-napi'

const EVENT_MOUSE_MOVED = 9
let events = 0
let moves = 0
uIOhook.on('input', event => {
  events++
  if (event.type === EVENT_MOUSE_MOVED) moves++
})
uIOhook.start()
process.stdout.write('ready\n')

process.once('SIGTERM', () => {
  uIOhook.stop()
  process.stdout.write(JSON.stringify({events, moves}) + '\n', () => process.exit(0))
})
// Keep the event loop alive: the hook's thread-safe function alone may not.
setInterval(() => {}, 1 << 30)
