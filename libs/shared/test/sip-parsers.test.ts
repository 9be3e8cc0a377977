import { describe, expect, it } from 'vitest';
import { parseHostPort, parseNameAddr, parseParams, parseUri, splitHeaderValues } from '../src/sip.js';

// The SIP server's RFC 4475 suite exercises these parsers in depth; this file
// checks the shared surface the registrar relies on.
describe('shared SIP parsers', () => {
  it('splits a Contact list at top-level commas only (RFC 3261 §7.3.1)', () => {
    expect(splitHeaderValues('"a, b" <sip:x@y>, <sip:z@w;p=1,2>, ')).toEqual(['"a, b" <sip:x@y>', '<sip:z@w;p=1,2>']);
  });

  it('reads header parameters after an addr-spec as the header\'s (RFC 3261 §20.10)', () => {
    expect(parseNameAddr('sip:a@b;expires=30')).toEqual({ uri: 'sip:a@b', params: { expires: '30' } });
    expect(parseNameAddr('"Bob \\"B\\"" <sip:b@c;lr>;Tag=x')).toEqual({ displayName: 'Bob "B"', uri: 'sip:b@c;lr', params: { tag: 'x' } });
  });

  it('rejects malformed values with PBX_ERR_SIP_BAD_VALUE', () => {
    for (const bad of ['<sip:a@b', 'sip:a b@c', '<sip:a@b>;;x']) {
      expect(() => parseNameAddr(bad), bad).toThrowError(expect.objectContaining({ code: 'PBX_ERR_SIP_BAD_VALUE' }));
    }
    expect(parseParams('a;;b')).toBeUndefined();
    expect(() => parseHostPort('h:70000')).toThrowError(expect.objectContaining({ code: 'PBX_ERR_SIP_BAD_VALUE' }));
  });

  it('parses SIP URIs and keeps other schemes opaque (RFC 3261 §19.1)', () => {
    expect(parseUri('sips:alice:pw@[2001:db8::1]:5061;transport=tls?subject=x')).toEqual({
      scheme: 'sips',
      user: 'alice',
      password: 'pw',
      host: '2001:db8::1',
      port: 5061,
      params: { transport: 'tls' },
      headers: 'subject=x',
    });
    expect(parseUri('tel:+1555')).toEqual({ scheme: 'tel', host: '', params: {}, opaque: '+1555' });
  });
});
