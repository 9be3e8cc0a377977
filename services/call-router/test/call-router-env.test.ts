import { BASE_ENV, parseEnv } from '@dragonpbx/shared/platform';
import { describe, expect, it } from 'vitest';
import { CALL_ROUTER_ENV } from '../src/call-router-env.js';

const schema = { ...BASE_ENV, ...CALL_ROUTER_ENV };
const fromVars = (vars: Record<string, string>) => parseEnv(schema, { INSTANCE_ID: 'cr1', ...vars });

describe('CALL_ROUTER_ENV', () => {
  it('has documented defaults', () => {
    const env = fromVars({});
    expect(env.DIGEST_ALGORITHMS).toEqual(['SHA-256', 'MD5']);
    expect(env.DEFAULT_CODECS).toEqual(['G722', 'PCMA', 'PCMU']);
    expect(env.CALL_DRAIN_TIMEOUT_MS).toBe(30_000);
    expect(env.CALL_ROUTER_NONCE_SECRET).toBeUndefined();
    expect(env.DEFAULT_RINGTONE).toBe('file:/uk.wav');
    expect(env.WEBPORT).toBe(2999);
    expect(env.API_TOKEN).toBeUndefined();
  });

  it('reads digest algorithms in any case, most preferred first (the stack sets MD5,SHA-256)', () => {
    expect(fromVars({ DIGEST_ALGORITHMS: 'MD5,SHA-256' }).DIGEST_ALGORITHMS).toEqual(['MD5', 'SHA-256']);
    expect(fromVars({ DIGEST_ALGORITHMS: ' sha-256 ' }).DIGEST_ALGORITHMS).toEqual(['SHA-256']);
  });

  it.each([
    ['DIGEST_ALGORITHMS', 'SHA-1'],
    ['DIGEST_ALGORITHMS', ','],
    ['CALL_DRAIN_TIMEOUT_MS', 'soon'],
    ['MEDIA_TIMEOUT_MS', '5'],
    ['NONCE_LIFETIME_SECS', '0'],
    ['DEFAULT_RINGTONE', 'uk.wav'],
    ['WEBPORT', '70000'],
  ])('an invalid %s=%j is PBX_ERR_ENV_INVALID naming it', (name, value) => {
    expect(() => fromVars({ [name]: value })).toThrow(expect.objectContaining({ code: 'PBX_ERR_ENV_INVALID', message: expect.stringContaining(name) }));
  });
});
