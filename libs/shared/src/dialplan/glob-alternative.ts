/** Marker for `?` in a compiled alternative. */
const ONE = -1;
/** Marker for `*` in a compiled alternative. */
const ANY = -2;

/** How specific a pattern is; higher literals win, then fewer stars (docs/contract.md §2.4). */
export interface GlobSpecificity {
  /** Count of literal characters. */
  readonly literals: number;
  /** Count of `*` wildcards. */
  readonly stars: number;
}

/**
 * One brace-free alternative of a glob, compiled to code points with wildcard
 * markers. Matching is the classic single-backtrack wildcard walk: O(n·m) in
 * the worst case and never exponential, unlike a backtracking regex.
 */
export class GlobAlternative implements GlobSpecificity {
  readonly literals: number;
  readonly stars: number;
  readonly #atoms: readonly number[];

  constructor(atoms: readonly (string | 'ONE' | 'ANY')[]) {
    const out: number[] = [];
    let literals = 0;
    let stars = 0;
    for (const a of atoms) {
      if (a === 'ONE') out.push(ONE);
      else if (a === 'ANY') {
        // Consecutive stars match the same as one; keep one so matching stays linear.
        if (out[out.length - 1] !== ANY) out.push(ANY);
        stars++;
      } else {
        out.push(a.codePointAt(0)!);
        literals++;
      }
    }
    this.#atoms = out;
    this.literals = literals;
    this.stars = stars;
  }

  /** Whether the whole of `text` matches this alternative. */
  test(text: string): boolean {
    return this.testCodePoints(toCodePoints(text));
  }

  /** As {@link test}, for text already split into code points (see {@link toCodePoints}). */
  testCodePoints(t: readonly number[]): boolean {
    const p = this.#atoms;
    let pi = 0;
    let ti = 0;
    let starP = -1;
    let starT = 0;
    while (ti < t.length) {
      const a = p[pi];
      if (pi < p.length && (a === ONE || a === t[ti])) {
        pi++;
        ti++;
      } else if (pi < p.length && a === ANY) {
        starP = pi++;
        starT = ti;
      } else if (starP >= 0) {
        // Let the last star swallow one more character and retry from there.
        pi = starP + 1;
        ti = ++starT;
      } else {
        return false;
      }
    }
    while (pi < p.length && p[pi] === ANY) pi++;
    return pi === p.length;
  }
}

/** Splits text into code points once, so several alternatives can test it cheaply. */
export function toCodePoints(text: string): number[] {
  return Array.from(text, (c) => c.codePointAt(0)!);
}
