import { badExtension, unsupportedOptionTags } from '@dragonpbx/shared/sip';
import { findSpammerMatch, type PolicyInput } from './spammer-check.js';
import type { SpammerRules } from './spammer-rules.js';
import type { ValueMatcher } from './value-matcher.js';

/** A final response the server sends itself instead of offering the request to an application. */
export interface PolicyResponse {
  status: number;
  reason: string;
  /** Extra header fields of the response. */
  headers?: Readonly<Record<string, string>>;
}

/** Compiled policy configuration. */
export interface PolicyConfig {
  /** `<spammers>`; absent → no spammer screening. */
  readonly spammers?: SpammerRules;
  /** `<user-agent-options-auto-respond>` values; absent/empty → OPTIONS always go to applications. */
  readonly optionsAutoRespond?: readonly ValueMatcher[];
}

/** Called with each match, e.g. to log "detected potential spammer" or count it. */
export type PolicyObserver = (event: PolicyEvent) => void;

export type PolicyEvent =
  | { kind: 'spammer'; method: string; header: string; value: string; candidate: string }
  | { kind: 'options-auto-respond'; userAgent: string };

const DECLINE: PolicyResponse = Object.freeze({ status: 603, reason: 'Decline' });
const OK: PolicyResponse = Object.freeze({ status: 200, reason: 'OK' });

/** Option-tags the server implements itself: reliable provisionals (RFC 3262) and session timers (RFC 4028). */
export const SERVER_SUPPORTED: readonly string[] = Object.freeze(['100rel', 'timer']);

/**
 * Builds the function the server calls on each new out-of-dialog request.
 *
 * - A spammer match is answered `603 Decline`. drachtio-server parses the
 *   `action`/`tcp-action` attributes but answers 603 in every case; we keep
 *   that observable behaviour (apps and operators rely on the 603).
 * - An OPTIONS whose User-Agent equals a configured value (or matches a
 *   configured `/regex/`) is answered `200 OK` without any application, the
 *   usual keep-alive answer for SBCs and load balancers.
 *
 * Returns `undefined` when nothing is configured so the server can skip the
 * call entirely on the hot path.
 */
export function createPolicy(
  config: PolicyConfig,
  observer?: PolicyObserver,
): ((req: PolicyInput) => PolicyResponse | undefined) | undefined {
  const spammers = config.spammers && config.spammers.headers.length > 0 ? config.spammers : undefined;
  const autoRespond = config.optionsAutoRespond && config.optionsAutoRespond.length > 0 ? config.optionsAutoRespond : undefined;
  if (!spammers && !autoRespond) return undefined;
  const notify = (e: PolicyEvent): void => {
    if (!observer) return;
    try {
      observer(e);
    } catch {
      // A faulty observer must not change how a request is answered.
    }
  };
  return (req) => {
    if (spammers) {
      const m = findSpammerMatch(req, spammers);
      if (m) {
        notify({ kind: 'spammer', method: req.method, ...m });
        return DECLINE;
      }
    }
    if (autoRespond && req.method === 'OPTIONS') {
      const ua = req.get('user-agent');
      if (ua !== undefined && autoRespond.some((v) => v.test(ua))) {
        notify({ kind: 'options-auto-respond', userAgent: ua });
        // Answering for a UAS, the server checks Require as one must (RFC 3261 §8.2.2.3).
        const unsupported = unsupportedOptionTags(req.method, req.getAll ? req.getAll('require') : req.get('require'), SERVER_SUPPORTED);
        if (unsupported.length > 0) {
          const e = badExtension(unsupported);
          return { status: e.status, reason: e.reason, headers: e.headers };
        }
        return OK;
      }
    }
    return undefined;
  };
}
