import { describe, expect, it } from 'vitest';
import { RequestGuard } from '../src/guard/request-guard.js';
import { SipError } from '@dragonpbx/shared/contracts';
import { RegHookError } from '@dragonpbx/shared/sip';
import { failureReason, httpDate } from '../src/register/register-handler.js';
import { PBX_ERR_REGISTER_INVALID } from '../src/registrar-errors.js';
import { resolveRegistrarOptions } from '../src/registrar-options.js';

const base = { nonceSecret: 'registrar-test-secret-0123456789', instanceId: 'unit' };

describe('httpDate', () => {
  it('formats the Date header as toUTCString does, once per second', () => {
    const t = Date.UTC(2026, 10, 27, 19, 50, 7, 120);
    expect(httpDate(t)).toBe('Fri, 27 Nov 2026 19:50:07 GMT');
    expect(httpDate(t + 879)).toBe('Fri, 27 Nov 2026 19:50:07 GMT');
    expect(httpDate(t + 880)).toBe('Fri, 27 Nov 2026 19:50:08 GMT');
    expect(httpDate(t - 121)).toBe('Fri, 27 Nov 2026 19:50:06 GMT');
    const now = Date.now();
    expect(httpDate(now)).toBe(new Date(now).toUTCString());
  });
});

describe('RequestGuard.quickCheck', () => {
  // A flood store that must not be reached when the verdict needs no Redis.
  const unreachable = { hit: () => Promise.reject(new Error('Redis should not be asked')) } as never;

  it('decides scanners, trusted sources and a disabled limit without Redis, and leaves the rest to check', async () => {
    const guard = new RequestGuard(resolveRegistrarOptions({ ...base, trustedCidrs: ['10.0.0.0/8'] }), { flood: unreachable });
    expect(guard.quickCheck('192.0.2.1', 'friendly-scanner')).toBe('scanner');
    expect(guard.quickCheck('10.1.2.3', 'Phone/1')).toBe('pass');
    expect(guard.quickCheck('192.0.2.1', 'Phone/1')).toBeUndefined();
    expect(guard.quickCheck('not an ip', undefined)).toBeUndefined();
    await expect(guard.check('10.1.2.3', 'Phone/1')).resolves.toBe('pass');
    await expect(guard.check('192.0.2.1', 'sipvicious')).resolves.toBe('scanner');
    await expect(guard.check('192.0.2.1', 'Phone/1')).rejects.toThrow(/should not be asked/);
    const open = new RequestGuard(resolveRegistrarOptions({ ...base, flood: { enabled: false } }), { flood: unreachable });
    expect(open.quickCheck('192.0.2.1', undefined)).toBe('pass');
  });
});

describe('failureReason', () => {
  it('labels a refused REGISTER by why it was refused', () => {
    expect(failureReason(new RegHookError('timeout', 503, 'Service Unavailable'), 503)).toBe('reghook-timeout');
    expect(failureReason(new RegHookError('rejected', 403, 'Forbidden'), 403)).toBe('reghook-rejected');
    expect(failureReason(new SipError(500, 'Unknown Domain'), 500)).toBe('unknown-domain');
    expect(failureReason(new SipError(420, 'Bad Extension'), 420)).toBe('sip-420');
    expect(failureReason(new PBX_ERR_REGISTER_INVALID('no Contact'), 400)).toBe('bad-request');
    expect(failureReason(new Error('bug'), 500)).toBe('error');
  });
});
