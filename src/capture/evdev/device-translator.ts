import type {RawInput} from '../normalise.js'
import type {InputDeviceInfo} from './devices-file.js'
import type {InputEvent} from './input-event.js'
import type {Seat} from './seat.js'

import {
  KEY_PRESSED, KEY_RELEASED, MOUSE_CLICKED, MOUSE_DRAGGED, MOUSE_MOVED, MOUSE_PRESSED, MOUSE_RELEASED, MOUSE_WHEEL, WHEEL_HORIZONTAL, WHEEL_VERTICAL,
} from '../uiohook-types.js'
import {
  ABS_X, ABS_Y, BTN_EXTRA, BTN_LEFT, BTN_MIDDLE, BTN_MISC, BTN_RIGHT, BTN_SIDE, BTN_TOOL_DOUBLETAP,
  BTN_TOOL_QUADTAP, BTN_TOOL_QUINTTAP, BTN_TOOL_TRIPLETAP, BTN_TOUCH, EV_ABS, EV_KEY, EV_LED, EV_REL,
  EV_SYN, HI_RES_PER_NOTCH, KEY_OK, LED_NUML, REL_HWHEEL, REL_HWHEEL_HI_RES, REL_WHEEL, REL_WHEEL_HI_RES,
  REL_X, REL_Y, SYN_DROPPED, SYN_REPORT,
} from './event-codes.js'
import {uiohookKeyOf} from './kernel-keys.js'

/** libuiohook on X11 reports every wheel notch as 3 units, rotation ±1. */
const X11_WHEEL_AMOUNT = 3

/** libuiohook's button numbers: X11's middle and right are swapped back to left 1, right 2, middle 3. */
const BUTTONS = new Map<number, number>([
  [BTN_EXTRA, 5],
  [BTN_LEFT, 1],
  [BTN_MIDDLE, 3],
  [BTN_RIGHT, 2],
  [BTN_SIDE, 4],
])

interface FrameSums {
  dx: number
  dy: number
  wheel: number
  hwheel: number
}

const MULTI_FINGER_TOOLS = new Set([BTN_TOOL_DOUBLETAP, BTN_TOOL_QUADTAP, BTN_TOOL_QUINTTAP, BTN_TOOL_TRIPLETAP])

/**
 * One device's events → uiohook-shaped input, a frame (the events up to SYN_REPORT) at a time,
 * so the shared Recorder stores the same rows as from the X11 hook:
 * - keys: value 1 a press, 0 a release, 2 auto-repeat handed on as another press marked `repeat`
 *   (KeyPairing drops and counts it, as it does X11's repeated presses); `time` is the kernel's
 *   event time, so hold times come from the input system's clock;
 * - buttons: press, release, then a click when the pointer did not move in between (libuiohook's
 *   sequence; the click is not stored);
 * - relative X/Y summed per frame into one move of the seat's integrated position; a touchpad's
 *   absolute X/Y becomes relative motion while one finger touches (two or more fingers scroll);
 * - wheels: one event per notch; a device with a high-resolution wheel is read from it alone (it
 *   reports both, and counting both would double every notch), 120 units a notch;
 * - SYN_DROPPED: the kernel's buffer overflowed and the device's state is unknown; everything up
 *   to the next SYN_REPORT is dropped and counted, and this device's held modifiers and buttons
 *   are forgotten so none stays stuck. A key whose release was lost is left to KeyPairing: its next
 *   press after STALE_PRESS_MS counts as new, and no hold time is invented for it.
 */
export class DeviceTranslator {
  private readonly frame: InputEvent[] = []
  private dropping = false
  private lostFrames = 0
  private readonly wheelRemainder = {vertical: 0, horizontal: 0}
  private touching = false
  private fingers = 1
  private touchAt: undefined | {x: number; y: number}
  private readonly abs = {x: Number.NaN, y: Number.NaN}
  private movedSincePress = false

  constructor(
    private readonly device: InputDeviceInfo,
    private readonly seat: Seat,
    private readonly emit: (raw: RawInput) => void,
  ) {}

  /** Frames lost to SYN_DROPPED. */
  get framesLost(): number {
    return this.lostFrames
  }

  handle(event: InputEvent): void {
    if (event.type === EV_SYN) {
      if (event.code === SYN_DROPPED) {
        this.dropping = true
        this.frame.length = 0
        this.lostFrames++
        this.seat.forget(this.device.event)
        this.touchAt = undefined
        return
      }

      if (event.code !== SYN_REPORT) return
      if (this.dropping) {
        this.dropping = false
        return
      }

      this.flush(event.timeMs)
      return
    }

    if (!this.dropping) this.frame.push(event)
  }

  /** The device is gone: nothing it held stays held. */
  close(): void {
    this.seat.forget(this.device.event)
  }

  private flush(timeMs: number): void {
    const sums: FrameSums = {
      dx: 0, dy: 0, wheel: 0, hwheel: 0,
    }
    const keys: InputEvent[] = []
    for (const event of this.frame) {
      switch (event.type) {
      case EV_ABS: {
        if (event.code === ABS_X) this.abs.x = event.value
        if (event.code === ABS_Y) this.abs.y = event.value
        break
      }

      case EV_KEY: {
        keys.push(event)
        break
      }

      case EV_LED: {
        if (event.code === LED_NUML) this.seat.numLock = event.value !== 0
        break
      }

      case EV_REL: {
        this.addRelative(event, sums)
        break
      }
      }
    }

    this.frame.length = 0
    for (const key of keys) this.touchKey(key)
    const touch = this.touchMotion()
    this.move(sums.dx + touch.dx, sums.dy + touch.dy, timeMs)
    for (const key of keys) this.key(key)
    this.wheel(sums.wheel, 'vertical', timeMs)
    this.wheel(sums.hwheel, 'horizontal', timeMs)
  }

  /** Motion and wheels of one frame; a wheel is read from its high-resolution code when the device has one. */
  private addRelative({code, value}: InputEvent, sums: FrameSums): void {
    const {hiResHWheel, hiResWheel} = this.device
    switch (code) {
    case REL_HWHEEL:
    case REL_HWHEEL_HI_RES: {
      if ((code === REL_HWHEEL_HI_RES) === hiResHWheel) sums.hwheel += value
      break
    }

    case REL_WHEEL:
    case REL_WHEEL_HI_RES: {
      if ((code === REL_WHEEL_HI_RES) === hiResWheel) sums.wheel += value
      break
    }

    case REL_X: {
      sums.dx += value
      break
    }

    case REL_Y: {
      sums.dy += value
      break
    }
    }
  }

  private touchKey(event: InputEvent): void {
    if (event.code === BTN_TOUCH) {
      this.touching = event.value !== 0
      if (!this.touching) this.touchAt = undefined
    } else if (MULTI_FINGER_TOOLS.has(event.code)) {
      this.fingers = event.value === 0 ? 1 : 2
      this.touchAt = undefined // a new reference once back to one finger
    }
  }

  /** A touchpad's motion since the last frame while one finger touches (none on the first frame of a touch). */
  private touchMotion(): {dx: number; dy: number} {
    if (!this.touching || this.fingers > 1 || Number.isNaN(this.abs.x) || Number.isNaN(this.abs.y)) return {dx: 0, dy: 0}
    const previous = this.touchAt
    this.touchAt = {x: this.abs.x, y: this.abs.y}
    if (!previous) return {dx: 0, dy: 0}
    return {dx: this.abs.x - previous.x, dy: this.abs.y - previous.y}
  }

  private move(dx: number, dy: number, timeMs: number): void {
    if (dx === 0 && dy === 0) return
    this.seat.x += dx
    this.seat.y += dy
    this.movedSincePress = true
    this.emit({
      type: this.seat.dragging ? MOUSE_DRAGGED : MOUSE_MOVED, x: this.seat.x, y: this.seat.y, time: timeMs, ...this.seat.flags(),
    })
  }

  private key(event: InputEvent): void {
    const button = BUTTONS.get(event.code)
    if (button !== undefined) {
      this.button(button, event)
      return
    }

    // Touch and tool codes, joystick and tablet buttons: not keys.
    if (event.code >= BTN_MISC && event.code < KEY_OK) return
    const keycode = uiohookKeyOf(event.code, this.seat.numLock)
    const device = this.device.event
    if (event.value === 0) {
      this.seat.keyUp(device, keycode)
      this.emit({
        type: KEY_RELEASED, keycode, time: event.timeMs, ...this.seat.flags(),
      })
      return
    }

    this.seat.keyDown(device, keycode)
    this.emit({
      type: KEY_PRESSED, keycode, time: event.timeMs, ...(event.value === 2 ? {repeat: true} : {}), ...this.seat.flags(),
    })
  }

  private button(button: number, event: InputEvent): void {
    const device = this.device.event
    const at = {
      x: this.seat.x, y: this.seat.y, button, time: event.timeMs,
    }
    if (event.value === 0) {
      this.seat.buttonUp(device, button)
      this.emit({type: MOUSE_RELEASED, ...at, ...this.seat.flags()})
      if (!this.movedSincePress) this.emit({type: MOUSE_CLICKED, ...at, ...this.seat.flags()})
      return
    }

    if (event.value !== 1) return
    this.seat.buttonDown(device, button)
    this.movedSincePress = false
    this.emit({type: MOUSE_PRESSED, ...at, ...this.seat.flags()})
  }

  private wheel(units: number, axis: 'horizontal' | 'vertical', timeMs: number): void {
    if (units === 0) return
    const hiRes = axis === 'vertical' ? this.device.hiResWheel : this.device.hiResHWheel
    let notches = units
    if (hiRes) {
      // A turn the other way starts from zero: half a notch up then half down is no notch.
      const remainder = Math.sign(this.wheelRemainder[axis]) === -Math.sign(units) ? 0 : this.wheelRemainder[axis]
      const total = remainder + units
      notches = Math.trunc(total / HI_RES_PER_NOTCH)
      this.wheelRemainder[axis] = total - (notches * HI_RES_PER_NOTCH)
    }

    // The kernel counts up (away from the user) and right as positive; libuiohook's rotation is
    // negative for up and for left.
    const rotation = axis === 'vertical' ? -Math.sign(notches) : Math.sign(notches)
    for (let notch = 0; notch < Math.abs(notches); notch++) {
      this.emit({
        type: MOUSE_WHEEL,
        x: this.seat.x,
        y: this.seat.y,
        amount: X11_WHEEL_AMOUNT,
        rotation,
        direction: axis === 'vertical' ? WHEEL_VERTICAL : WHEEL_HORIZONTAL,
        time: timeMs,
        ...this.seat.flags(),
      })
    }
  }
}
