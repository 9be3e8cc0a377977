import { GlobPattern } from './glob-pattern.js';

/** Compiled patterns kept for reuse; client username patterns repeat on every REGISTER. */
const CACHE_LIMIT = 1024;
const cache = new Map<string, GlobPattern>();

/**
 * Whether `text` matches the glob `pattern` (`?` one character, `*` any run,
 * `{a,b}` alternatives, `\x` literal). Used for client username patterns
 * (docs/contract.md §2.2: `1???`, `*`). Throws `PBX_ERR_PATTERN_INVALID` for a
 * malformed pattern.
 */
export function globMatch(pattern: string, text: string): boolean {
  let compiled = cache.get(pattern);
  if (compiled === undefined) {
    compiled = new GlobPattern(pattern);
    if (cache.size >= CACHE_LIMIT) cache.delete(cache.keys().next().value!);
    cache.set(pattern, compiled);
  }
  return compiled.test(text);
}
