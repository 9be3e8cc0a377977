import { createError } from '@dragonpbx/shared/contracts';

/** A spammer / auto-respond rule that cannot be compiled (bad regex, unknown action). */
export const PBX_ERR_SIP_POLICY_RULE = createError<[string, string]>(
  'PBX_ERR_SIP_POLICY_RULE',
  'invalid SIP policy rule %s: %s',
  500,
);
