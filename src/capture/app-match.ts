/**
 * `exclude_apps` matching: each entry is an application name or a glob (`*` any run of
 * characters, `?` one character), compared case-insensitively with the whole name.
 *
 * A dozen lines of our own rather than picomatch/minimatch: those are path matchers (`*` stops
 * at `/`, a leading `.` needs `dot: true`, braces and extglobs change meaning), and an app name
 * is not a path. Here every other character is literal, so "C++ IDE" or "[work] chat" mean
 * exactly what they say.
 */

/** Who has focus, as the X server names it: WM_CLASS class (the app name we store) and instance. */
export interface AppIdentity {
  app: null | string
  instance?: null | string
}

export function globToRegExp(glob: string): RegExp {
  let source = ''
  for (const char of glob.trim()) {
    if (char === '*') source += '.*'
    else if (char === '?') source += '.'
    else source += char.replaceAll(/[$()*+.?[\\\]^{|}]/g, String.raw`\$&`)
  }

  // `s`: a name with a newline in it is still one name.
  return new RegExp(`^${source}$`, 'is')
}

export type AppMatcher = (identity: AppIdentity) => boolean

/**
 * A test for "is this app excluded?". Both the class ("KeePassXC") and the instance
 * ("keepassxc") are tried, so a user can write either; an unknown app (null) is never excluded.
 */
export function compileAppPatterns(patterns: readonly string[]): AppMatcher {
  const expressions = patterns.map(pattern => pattern.trim()).filter(Boolean).map(pattern => globToRegExp(pattern))
  if (expressions.length === 0) return () => false
  return ({app, instance}) => {
    for (const name of [app, instance]) {
      if (name && expressions.some(expression => expression.test(name))) return true
    }

    return false
  }
}
