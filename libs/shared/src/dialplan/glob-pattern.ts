import { GlobAlternative, type GlobSpecificity, toCodePoints } from './glob-alternative.js';
import { PBX_ERR_PATTERN_INVALID } from './pattern-errors.js';

/** Longest pattern accepted; dial strings and usernames are far shorter. */
export const MAX_PATTERN_LENGTH = 256;
/** Most brace alternatives one pattern may expand to (guards `{a,b}{c,d}…` blow-up). */
export const MAX_PATTERN_EXPANSIONS = 256;

type Atom = string | 'ONE' | 'ANY';

/**
 * A compiled glob: `?` = one character, `*` = any run, `{a,b}` = alternatives,
 * `\x` = a literal `x`. Every other character (including `#`) is literal.
 * Braces expand into brace-free {@link GlobAlternative}s at compile time.
 */
export class GlobPattern {
  readonly source: string;
  readonly alternatives: readonly GlobAlternative[];

  constructor(source: string) {
    if (typeof source !== 'string') {
      throw new PBX_ERR_PATTERN_INVALID(String(source), 'not a string');
    }
    if (source.length === 0) throw new PBX_ERR_PATTERN_INVALID(source, 'empty pattern');
    if (source.length > MAX_PATTERN_LENGTH) {
      throw new PBX_ERR_PATTERN_INVALID(source.slice(0, 32) + '…', `longer than ${MAX_PATTERN_LENGTH}`);
    }
    this.source = source;
    this.alternatives = Object.freeze(expand(source).map((atoms) => new GlobAlternative(atoms)));
  }

  /** Whether `text` matches any alternative. */
  test(text: string): boolean {
    const t = toCodePoints(text);
    return this.alternatives.some((a) => a.testCodePoints(t));
  }

  /**
   * The specificity of the most specific alternative matching `text`, or
   * `undefined` when none matches.
   */
  matchSpecificity(text: string | readonly number[]): GlobSpecificity | undefined {
    const t = typeof text === 'string' ? toCodePoints(text) : text;
    let best: GlobSpecificity | undefined;
    for (const alt of this.alternatives) {
      if (alt.testCodePoints(t) && (best === undefined || compareSpecificity(alt, best) > 0)) best = alt;
    }
    return best;
  }
}

/** Positive when `a` is more specific than `b` (more literals, then fewer stars). */
export function compareSpecificity(a: GlobSpecificity, b: GlobSpecificity): number {
  if (a.literals !== b.literals) return a.literals - b.literals;
  return b.stars - a.stars;
}

/** Splits the pattern into a sequence of choice groups and expands their product. */
function expand(src: string): Atom[][] {
  const groups: Atom[][][] = [];
  let i = 0;
  const readAtom = (): Atom => {
    const c = src[i]!;
    if (c === '\\') {
      if (i + 1 >= src.length) throw new PBX_ERR_PATTERN_INVALID(src, 'trailing backslash');
      // Escaped characters are literal; step over a full code point.
      const cp = String.fromCodePoint(src.codePointAt(i + 1)!);
      i += 1 + cp.length;
      return cp;
    }
    if (c === '?') {
      i++;
      return 'ONE';
    }
    if (c === '*') {
      i++;
      return 'ANY';
    }
    const cp = String.fromCodePoint(src.codePointAt(i)!);
    i += cp.length;
    return cp;
  };
  while (i < src.length) {
    const c = src[i];
    if (c === '}') throw new PBX_ERR_PATTERN_INVALID(src, `unbalanced "}" at ${i}`);
    if (c !== '{') {
      groups.push([[readAtom()]]);
      continue;
    }
    const open = i++;
    const alts: Atom[][] = [[]];
    let closed = false;
    while (i < src.length) {
      const d = src[i];
      if (d === '{') throw new PBX_ERR_PATTERN_INVALID(src, `nested "{" at ${i} is not supported`);
      if (d === '}') {
        i++;
        closed = true;
        break;
      }
      if (d === ',') {
        i++;
        alts.push([]);
        continue;
      }
      alts[alts.length - 1]!.push(readAtom());
    }
    if (!closed) throw new PBX_ERR_PATTERN_INVALID(src, `unbalanced "{" at ${open}`);
    if (alts.some((a) => a.length === 0)) {
      throw new PBX_ERR_PATTERN_INVALID(src, `empty alternative in braces at ${open}`);
    }
    groups.push(alts);
  }
  let out: Atom[][] = [[]];
  for (const g of groups) {
    if (out.length * g.length > MAX_PATTERN_EXPANSIONS) {
      throw new PBX_ERR_PATTERN_INVALID(src, `expands to more than ${MAX_PATTERN_EXPANSIONS} alternatives`);
    }
    if (g.length === 1) for (const o of out) o.push(...g[0]!);
    else out = out.flatMap((o) => g.map((a) => o.concat(a)));
  }
  return out;
}
