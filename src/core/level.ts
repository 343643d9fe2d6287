/** How much each event keeps (SPEC.md): a public name users pass to `start --level` and config. */
export const LEVELS = ['minimal', 'standard', 'full'] as const
export type Level = (typeof LEVELS)[number]
