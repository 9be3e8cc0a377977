/** One reason a value failed its schema. */
export interface ValidationIssue {
  /** JSON pointer (RFC 6901) to the offending value; `''` is the root. */
  readonly path: string;
  /** What was expected there, in lower case, e.g. `expected one of client, trunk, sip`. */
  readonly message: string;
}

/** Renders issues as `"/a/0/b: expected string; /c: unknown property"`. */
export function formatIssues(issues: readonly ValidationIssue[], max = 10): string {
  const shown = issues.slice(0, max).map((i) => `${i.path || '/'}: ${i.message}`);
  if (issues.length > max) shown.push(`(${issues.length - max} more)`);
  return shown.join('; ');
}
