import { describe, expect, it } from 'vitest';
import { PbxError, SipError, createError, listErrorCodes } from '../src/contracts.js';

describe('error registry', () => {
  it('formats the message, keeps the code and status', () => {
    const E = createError('PBX_ERR_TEST_SAMPLE', 'bad %s: %s', 400);
    const e = new E('REDIS_URL', 'not a URL');
    expect(e).toBeInstanceOf(PbxError);
    expect(e.code).toBe('PBX_ERR_TEST_SAMPLE');
    expect(e.message).toBe('bad REDIS_URL: not a URL');
    expect(e.statusCode).toBe(400);
    expect(E.code).toBe('PBX_ERR_TEST_SAMPLE');
    expect(listErrorCodes().get('PBX_ERR_TEST_SAMPLE')).toBe('bad %s: %s');
  });

  it('refuses duplicate and malformed codes', () => {
    createError('PBX_ERR_TEST_TWICE', 'x');
    expect(() => createError('PBX_ERR_TEST_TWICE', 'y')).toThrow(/declared twice/);
    expect(() => createError('ERR_LOWER', 'y')).toThrow(/bad error code/);
  });

  it('SipError only takes final non-2xx codes', () => {
    const e = new SipError(403, 'Forbidden', { 'X-Reason': 'Invalid credentials' });
    expect(e.status).toBe(403);
    expect(e.headers['X-Reason']).toBe('Invalid credentials');
    expect(() => new SipError(200, 'OK')).toThrow(RangeError);
    expect(() => new SipError(700, 'x')).toThrow(RangeError);
  });
});
