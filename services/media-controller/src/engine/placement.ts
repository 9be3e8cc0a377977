/**
 * How the pool chooses an engine for a new call.
 * - `least-loaded`: fewest owned sessions (from `statistics`), ties in turn;
 * - `round-robin`: every healthy engine in turn.
 */
export const PLACEMENTS = ['least-loaded', 'round-robin'] as const;
export type Placement = (typeof PLACEMENTS)[number];
