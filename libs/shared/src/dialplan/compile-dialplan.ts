import { type DialplanTarget, type DialplanValue, toDialplanTarget } from './dialplan-target.js';
import { type GlobSpecificity, toCodePoints } from './glob-alternative.js';
import { GlobPattern, compareSpecificity } from './glob-pattern.js';
import { PBX_ERR_DIALPLAN_INVALID } from './pattern-errors.js';

/** The entry a dialled number resolved to. */
export interface DialplanMatch extends DialplanTarget {
  /** The dialplan key that matched, as written. */
  readonly key: string;
  /** The value as written in the dialplan. */
  readonly value: DialplanValue;
  /** True when the key equals the number literally (no glob matching involved). */
  readonly exact: boolean;
}

/** A dialplan compiled once; {@link CompiledDialplan.match} is cheap to call per call. */
export interface CompiledDialplan {
  /** Number of entries. */
  readonly size: number;
  /** Resolves a dialled number, or `undefined` when no key matches. */
  match(number: string): DialplanMatch | undefined;
}

interface Entry {
  readonly key: string;
  readonly value: DialplanValue;
  readonly target: DialplanTarget;
  readonly pattern: GlobPattern;
}

/**
 * Compiles a dialplan object (docs/contract.md §2.4) with its precedence:
 * a key equal to the number wins outright (so dial codes like `*8`, `#1` work);
 * otherwise the most specific matching pattern wins — most literal characters,
 * then fewest `*` — and ties go to the key first in object order.
 *
 * Every key is validated as a glob and every value as a target up front, so a
 * bad dialplan fails at config load (`PBX_ERR_PATTERN_INVALID`,
 * `PBX_ERR_DIALPLAN_VALUE_INVALID`, `PBX_ERR_DIALPLAN_INVALID`), not mid-call.
 */
export function compileDialplan(dialplan: unknown): CompiledDialplan {
  if (dialplan === null || typeof dialplan !== 'object' || Array.isArray(dialplan)) {
    throw new PBX_ERR_DIALPLAN_INVALID(`expected an object, got ${Array.isArray(dialplan) ? 'array' : dialplan === null ? 'null' : typeof dialplan}`);
  }
  const entries: Entry[] = [];
  const exact = new Map<string, Entry>();
  for (const [key, value] of Object.entries(dialplan)) {
    const target = toDialplanTarget(key, value);
    const entry: Entry = { key, value: value as DialplanValue, target, pattern: new GlobPattern(key) };
    entries.push(entry);
    exact.set(key, entry);
  }
  return Object.freeze({
    size: entries.length,
    match(number: string): DialplanMatch | undefined {
      if (typeof number !== 'string') return undefined;
      const hit = exact.get(number);
      if (hit) return toMatch(hit, true);
      const cps = toCodePoints(number);
      let best: Entry | undefined;
      let bestSpec: GlobSpecificity | undefined;
      for (const e of entries) {
        const spec = e.pattern.matchSpecificity(cps);
        // Strictly greater keeps the earlier key on ties (object order).
        if (spec && (bestSpec === undefined || compareSpecificity(spec, bestSpec) > 0)) {
          best = e;
          bestSpec = spec;
        }
      }
      return best ? toMatch(best, false) : undefined;
    },
  });
}

function toMatch(e: Entry, exact: boolean): DialplanMatch {
  return Object.freeze({ key: e.key, value: e.value, exact, ...e.target });
}
