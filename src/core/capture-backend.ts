/**
 * Where input comes from. `hook` is uiohook-napi (X11 on Linux, the native hooks on macOS and
 * Windows); `evdev` reads the kernel's input devices (Linux: Wayland and console sessions).
 * `auto` picks one for the session devtrace starts in (src/capture/backend.ts).
 */
export const BACKEND_CHOICES = ['auto', 'hook', 'evdev'] as const
export type BackendChoice = (typeof BACKEND_CHOICES)[number]

/** What a session records in `sessions.backend`. */
export type CaptureBackend = Exclude<BackendChoice, 'auto'>
