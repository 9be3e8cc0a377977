import type { SpammerRules } from './spammer-rules.js';
import { uriUserOf } from './uri-user.js';

/** The part of a SIP request the policy reads (structurally a `PolicyRequest`). */
export interface PolicyInput {
  readonly method: string;
  get(name: string): string | undefined;
  /** Every value of a header (comma lists split); the Require check needs all of them. */
  getAll?(name: string): string[];
}

/** The rule that matched: which header, which configured value, what it matched against. */
export interface SpammerMatch {
  readonly header: string;
  readonly value: string;
  readonly candidate: string;
}

/**
 * Returns the first spammer rule the request matches, or `undefined`.
 *
 * As in drachtio-server, `User-Agent` is compared against the whole header
 * value while `From` and `To` are compared against the URI's user part (a
 * scanner's `sip:100@…` is what identifies it, not the display name). Any other
 * header name compares against its full value. ACK is never matched: it gets no
 * response (RFC 3261 §17.2.1), so rejecting it is meaningless.
 */
export function findSpammerMatch(req: PolicyInput, rules: SpammerRules): SpammerMatch | undefined {
  if (req.method === 'ACK') return undefined;
  for (const rule of rules.headers) {
    const raw = req.get(rule.name);
    if (raw === undefined) continue;
    const candidate = rule.name === 'from' || rule.name === 'to' ? uriUserOf(raw) : raw;
    if (candidate === undefined || candidate.length === 0) continue;
    for (const v of rule.values) {
      if (v.test(candidate)) return { header: rule.name, value: v.source, candidate };
    }
  }
  return undefined;
}
