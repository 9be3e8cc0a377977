import type { ValueMatcher } from './value-matcher.js';

/**
 * What to do with a request matching a spammer rule (drachtio.conf.xml
 * `<spammers action="reject|discard" tcp-action="…">`).
 *
 * ```
 *   'reject'  → answer 603 Decline
 *   'discard' → drop silently, no response
 * ```
 */
export type SpammerAction = 'reject' | 'discard';

/** One `<header name="…">` element with its `<value>` children. */
export interface SpammerHeaderRule {
  /** Lower-cased header name: `user-agent`, `from`, `to` or any other header. */
  readonly name: string;
  readonly values: readonly ValueMatcher[];
}

/** The compiled `<spammers>` block. */
export interface SpammerRules {
  /**
   * Action for requests received over UDP.
   * @defaultValue 'discard' (drachtio-server's default when the attribute is absent)
   */
  readonly action: SpammerAction;
  /**
   * Action for requests received over a connection-oriented transport.
   * @defaultValue 'discard'
   */
  readonly tcpAction: SpammerAction;
  readonly headers: readonly SpammerHeaderRule[];
}
