import type { ConfigSource } from '@dragonpbx/shared/config';
import { SipError } from '@dragonpbx/shared/contracts';

/**
 * Routing step 1 (docs/contract.md §1.2 step 1): the Request-URI host must be a
 * configured domain. An unknown one gets 404 — the domain is not served here —
 * rather than the original's 500, which reads as a server fault to the caller.
 */
export function checkDomain(config: ConfigSource, domain: string): number {
  const id = config.getDomain(domain);
  if (id === false) throw new SipError(404, 'Not Found', { 'X-Reason': 'rejecting unknown domain' });
  return id;
}
