/**
 * One element of a brace-free glob: a literal run, `?` (exactly one character)
 * or `*` (any run, possibly empty).
 */
export type GlobToken =
  | { readonly kind: 'literal'; readonly text: string }
  | { readonly kind: 'one' }
  | { readonly kind: 'any' };
