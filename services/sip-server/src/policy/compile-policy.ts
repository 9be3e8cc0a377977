import { PBX_ERR_SIP_POLICY_RULE } from './policy-errors.js';
import type { PolicyConfig } from './create-policy.js';
import type { SpammerAction, SpammerHeaderRule, SpammerRules } from './spammer-rules.js';
import { compileValueMatcher } from './value-matcher.js';

/** Uncompiled `<spammers>` block as read from XML or built by hand. */
export interface SpammerRulesSource {
  action?: string;
  tcpAction?: string;
  headers: ReadonlyArray<{ name: string; values: readonly string[] }>;
}

/** Uncompiled policy configuration. */
export interface PolicySource {
  spammers?: SpammerRulesSource;
  optionsAutoRespond?: readonly string[];
}

function action(name: string, v: string | undefined): SpammerAction {
  // drachtio-server's default when the attribute is absent.
  if (v === undefined || v === '') return 'discard';
  const lower = v.toLowerCase();
  if (lower === 'reject' || lower === 'discard') return lower;
  throw new PBX_ERR_SIP_POLICY_RULE(name, `expected "reject" or "discard", got "${v}"`);
}

function matcher(where: string, source: string, mode: 'substring' | 'exact') {
  try {
    return compileValueMatcher(source, mode);
  } catch (err) {
    throw new PBX_ERR_SIP_POLICY_RULE(where, `bad regular expression ${source}: ${(err as Error).message}`);
  }
}

/** Validates and compiles rules once at boot; the result is frozen. */
export function compilePolicy(src: PolicySource): PolicyConfig {
  const out: { spammers?: SpammerRules; optionsAutoRespond?: PolicyConfig['optionsAutoRespond'] } = {};
  if (src.spammers) {
    const headers: SpammerHeaderRule[] = [];
    for (const h of src.spammers.headers) {
      const name = h.name.trim().toLowerCase();
      if (!/^[a-z0-9!#$%&'*+.^_`|~-]+$/.test(name)) {
        throw new PBX_ERR_SIP_POLICY_RULE('spammers.header', `"${h.name}" is not a SIP header name`);
      }
      const values = h.values.filter((v) => v.length > 0).map((v) => matcher(`spammers.${name}`, v, 'substring'));
      if (values.length > 0) headers.push(Object.freeze({ name, values: Object.freeze(values) }));
    }
    out.spammers = Object.freeze({
      action: action('spammers.action', src.spammers.action),
      tcpAction: action('spammers.tcp-action', src.spammers.tcpAction),
      headers: Object.freeze(headers),
    });
  }
  if (src.optionsAutoRespond && src.optionsAutoRespond.length > 0) {
    out.optionsAutoRespond = Object.freeze(
      src.optionsAutoRespond.filter((v) => v.length > 0).map((v) => matcher('user-agent-options-auto-respond', v, 'exact')),
    );
  }
  return Object.freeze(out);
}
