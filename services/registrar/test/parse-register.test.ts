import { describe, expect, it } from 'vitest';
import { grantExpiry, requestedExpiry } from '../src/register/grant-expiry.js';
import { parseContact, parseContacts, splitList } from '../src/register/parse-contacts.js';
import { parseRegister, uriHost } from '../src/register/parse-register.js';
import { challengeHeaders, contactHeader } from '../src/register/register-response.js';

const msg = (headers: Record<string, string>, uri = 'sip:Dragon.Test') => ({
  method: 'REGISTER',
  uri,
  source_address: '192.0.2.7',
  source_port: 5062,
  protocol: 'tcp',
  get: (n: string) => Object.entries(headers).find(([k]) => k.toLowerCase() === n.toLowerCase())?.[1],
});

const base = { To: '"Bob" <sip:1000@dragon.test>', 'Call-ID': 'abc', CSeq: '7 REGISTER' };

describe('parseRegister', () => {
  it('reads domain, user, contacts, expiry and the NAT source', () => {
    const r = parseRegister(msg({ ...base, Contact: '<sip:1000@10.0.0.1:5060;transport=tcp>;expires=120, sip:1000@10.0.0.2', Expires: '300' }));
    expect(r).toMatchObject({
      domain: 'dragon.test',
      user: '1000',
      expires: 300,
      cseq: 7,
      callId: 'abc',
      source: { ip: '192.0.2.7', port: 5062, transport: 'tcp' },
      contacts: [{ uri: 'sip:1000@10.0.0.1:5060;transport=tcp', expires: 120 }, { uri: 'sip:1000@10.0.0.2' }],
    });
  });

  it('treats a REGISTER without Contact as a query and accepts "*" only with Expires: 0', () => {
    expect(parseRegister(msg(base)).contacts).toBeUndefined();
    expect(parseRegister(msg({ ...base, Contact: '*', Expires: '0' })).contacts).toBe('*');
    expect(() => parseRegister(msg({ ...base, Contact: '*' }))).toThrow(/PBX_ERR_REGISTER_INVALID|requires Expires: 0/);
    expect(() => parseRegister(msg({ ...base, Contact: '*, <sip:a@b>', Expires: '0' }))).toThrow(/only contact/);
  });

  it.each([
    [{ ...base, Expires: '-1' }, /Expires/],
    [{ ...base, Expires: '1e3' }, /Expires/],
    [{ ...base, To: '<sip:dragon.test>' }, /To has no user/],
    [{ ...base, To: '<sip:{x}@dragon.test>' }, /To user/],
    [{ ...base, 'Call-ID': '' }, /Call-ID/],
    [{ ...base, CSeq: 'x' }, /CSeq/],
    [{ ...base, Contact: '<sip:1000@10.0.0.1' }, /closing/],
    [{ ...base, Contact: '<http://evil>' }, /not a SIP URI/],
    [{ ...base, Contact: '<sip:a@b>;expires=soon' }, /expires/],
  ])('rejects %o with a specific reason', (headers, why) => {
    expect(() => parseRegister(msg(headers))).toThrow(why);
  });

  it('rejects a Request-URI without a host', () => {
    expect(() => parseRegister(msg(base, 'sip:'))).toThrow(/no host/);
    expect(uriHost('sip:[2001:DB8::1]:5060')).toBe('2001:db8::1');
    expect(uriHost('sips:alice@Example.COM;transport=tls')).toBe('example.com');
  });
});

describe('contacts', () => {
  it('splits on commas outside quotes and brackets', () => {
    expect(splitList('"a, b" <sip:x@y>, <sip:z@w;p=1,2>')).toEqual(['"a, b" <sip:x@y>', '<sip:z@w;p=1,2>']);
  });
  it('reads header parameters after an addr-spec (RFC 3261 §20.10)', () => {
    expect(parseContact('sip:a@b;expires=30')).toEqual({ uri: 'sip:a@b', expires: 30 });
    expect(parseContacts('  ')).toBeUndefined();
  });
});

describe('expiry', () => {
  it('prefers the contact parameter, then the header, then the default', () => {
    expect(requestedExpiry(10, 20, 30)).toBe(10);
    expect(requestedExpiry(undefined, 20, 30)).toBe(20);
    expect(requestedExpiry(undefined, undefined, 30)).toBe(30);
  });
  it('grants the hook value when given, clamped to [min, max]', () => {
    expect(grantExpiry(100, undefined, 30, 3600)).toBe(100);
    expect(grantExpiry(100, 7200, 30, 3600)).toBe(3600);
    expect(grantExpiry(5, undefined, 30, 3600)).toBe(30);
    expect(grantExpiry(100, 0, 30, 3600)).toBe(100);
  });
});

describe('responses', () => {
  it('lists contacts with their expiries and puts each challenge on its own line', () => {
    const c = { uri: 'sip:a@b', expiresIn: 42 } as never;
    expect(contactHeader([c, { uri: 'sip:c@d', expiresIn: 7 } as never])).toBe('<sip:a@b>;expires=42, <sip:c@d>;expires=7');
    expect(contactHeader([])).toBeUndefined();
    expect(challengeHeaders(['Digest a', 'Digest b'])).toEqual({ 'WWW-Authenticate': 'Digest a\r\nWWW-Authenticate: Digest b' });
  });
});
