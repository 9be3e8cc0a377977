import { describe, expect, it } from 'vitest';
import { DEFAULT_SCANNER_AGENTS, resolveRegistrarOptions } from '../src/registrar-options.js';
import { resolveTrunkRegistrarOptions } from '../src/trunk/trunk-registrar-options.js';
import { grantedExpiry, boundContact } from '../src/trunk/send-register.js';

const ok = { nonceSecret: 'x'.repeat(16), instanceId: 'i1' };

describe('registrar options', () => {
  it('applies the documented defaults and freezes', () => {
    const o = resolveRegistrarOptions(ok);
    expect(o).toMatchObject({
      minExpires: 30,
      maxExpires: 3600,
      defaultCodecs: ['G722', 'PCMA', 'PCMU'],
      algorithms: ['SHA-256', 'MD5'],
      flood: { enabled: true, windowMs: 2000, limit: 16, banMs: 300_000 },
      scannerAgents: DEFAULT_SCANNER_AGENTS,
    });
    expect(Object.isFrozen(o)).toBe(true);
  });
  it.each([
    [{ nonceSecret: 'short' }, /nonceSecret/],
    [{ instanceId: '' }, /instanceId/],
    [{ minExpires: 100, maxExpires: 50 }, /maxExpires/],
    [{ algorithms: ['SHA-512'] }, /algorithms/],
    [{ flood: { limit: 0 } }, /flood.limit/],
    [{ trustedCidrs: ['10.0.0.0/33'] }, /trustedCidrs/],
    [{ scannerAgents: [''] }, /scannerAgents/],
  ])('rejects %o with PBX_ERR_REGISTRAR_OPTIONS', (bad, why) => {
    expect(() => resolveRegistrarOptions({ ...ok, ...(bad as object) })).toThrow(why);
    try {
      resolveRegistrarOptions({ ...ok, ...(bad as object) });
    } catch (err) {
      expect((err as { code: string }).code).toBe('PBX_ERR_REGISTRAR_OPTIONS');
    }
  });
  it('validates trunk options', () => {
    expect(resolveTrunkRegistrarOptions({ instanceId: 'a' })).toMatchObject({ leaseTtlMs: 30_000, leaseCheckMs: 10_000, defaultExpires: 3600 });
    expect(() => resolveTrunkRegistrarOptions({ instanceId: 'a', leaseTtlMs: 1000, leaseCheckMs: 900 })).toThrow(/leaseCheckMs/);
  });
});

describe('trunk 2xx parsing', () => {
  const res = (h: Record<string, string>) => ({ get: (n: string) => h[n] });
  it('reads the grant from our Contact first, then Expires', () => {
    const r = res({ Contact: '<sip:other@x>;expires=10, <sip:u@1.2.3.4:5060;x-regid=5>;expires=90', Expires: '3600' });
    expect(grantedExpiry(r, 'u', '5', 60)).toBe(90);
    expect(boundContact(r, '5')).toBe('sip:u@1.2.3.4:5060;x-regid=5');
    expect(grantedExpiry(res({ Expires: '120' }), 'u', '5', 60)).toBe(120);
    expect(grantedExpiry(res({}), 'u', '5', 60)).toBe(60);
  });
});
