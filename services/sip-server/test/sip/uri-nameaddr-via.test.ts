import { describe, expect, it } from 'vitest';
import { parseCSeq } from '../../src/sip/cseq.js';
import { makeResponse } from '../../src/sip/make-response.js';
import { formatNameAddr, parseNameAddr, tagOf } from '../../src/sip/name-addr.js';
import { parseMessage } from '../../src/sip/parse-message.js';
import { formatUri, parseUri } from '../../src/sip/sip-uri.js';
import { formatVia, parseVia } from '../../src/sip/via.js';
import { basicInvite } from './fixtures.js';

describe('parseUri / formatUri', () => {
  it('parses user, password, host, port, params and headers', () => {
    const u = parseUri('sip:alice:secret@Example.COM:5070;transport=TCP;lr;maddr=10.0.0.1?subject=hi&priority=urgent');
    expect(u).toMatchObject({ scheme: 'sip', user: 'alice', password: 'secret', host: 'Example.COM', port: 5070 });
    expect(u.params).toEqual({ transport: 'TCP', lr: null, maddr: '10.0.0.1' });
    expect(u.headers).toBe('subject=hi&priority=urgent');
    expect(formatUri(u)).toBe('sip:alice:secret@Example.COM:5070;transport=TCP;lr;maddr=10.0.0.1?subject=hi&priority=urgent');
  });

  it('handles IPv6 references and sips, keeps other schemes opaque', () => {
    const u = parseUri('sips:[2001:db8::10]:5061');
    expect(u).toMatchObject({ scheme: 'sips', host: '2001:db8::10', port: 5061 });
    expect(formatUri(u)).toBe('sips:[2001:db8::10]:5061');
    expect(parseUri('tel:+1-201-555-0123')).toMatchObject({ scheme: 'tel', opaque: '+1-201-555-0123' });
  });

  it('rejects malformed URIs with PBX_ERR_SIP_BAD_VALUE', () => {
    for (const bad of ['sip:', 'nocolon', 'sip:a b@c', 'sip:@host', 'sip:host:99999', 'sip:[::1', 'sip:host:5x', '<sip:a@b>']) {
      expect(() => parseUri(bad), bad).toThrowError(expect.objectContaining({ code: 'PBX_ERR_SIP_BAD_VALUE' }));
    }
  });
});

describe('parseNameAddr', () => {
  it('parses quoted/unquoted display names, params and tags', () => {
    expect(parseNameAddr('"Alice \\"A\\"" <sip:alice@atlanta.com>;tag=abc;x')).toEqual({
      displayName: 'Alice "A"',
      uri: 'sip:alice@atlanta.com',
      params: { tag: 'abc', x: null },
    });
    expect(parseNameAddr('Bob Smith <sip:bob@b.com;transport=tcp>')).toEqual({
      displayName: 'Bob Smith',
      uri: 'sip:bob@b.com;transport=tcp',
      params: {},
    });
    // §20.10: without <>, params belong to the header.
    expect(parseNameAddr('sip:carol@c.com;tag=9')).toEqual({ uri: 'sip:carol@c.com', params: { tag: '9' } });
    expect(parseNameAddr('*')).toEqual({ uri: '*', params: {} });
    expect(tagOf('<sip:a@b>;TAG=xyz')).toBe('xyz');
    expect(tagOf('<sip:a@b>')).toBeUndefined();
    expect(tagOf('garbage "')).toBeUndefined();
    expect(formatNameAddr({ displayName: 'A "q"', uri: 'sip:a@b', params: { tag: '1' } })).toBe('"A \\"q\\"" <sip:a@b>;tag=1');
  });

  it('rejects malformed values', () => {
    for (const bad of ['<sip:a@b', '"unterminated <sip:a@b>', 'Bell, A <sip:a@b>', '< sip:a@b >', 'sip:a@b;;x', '<>', 'no-scheme']) {
      expect(() => parseNameAddr(bad), bad).toThrowError(expect.objectContaining({ code: 'PBX_ERR_SIP_BAD_VALUE' }));
    }
  });
});

describe('parseVia / formatVia / parseCSeq', () => {
  it('parses protocol, sent-by, branch, rport and received', () => {
    const v = parseVia('SIP/2.0/udp [::1]:5062;branch=z9hG4bK77;rport;received=::1');
    expect(v).toMatchObject({ protocol: 'UDP', host: '::1', port: 5062, branch: 'z9hG4bK77', rport: null, received: '::1' });
    const w = parseVia('SIP/2.0/TCP h.example.com;rport=5099;branch=z9hG4bK1');
    expect(w.rport).toBe(5099);
    expect(w.port).toBeUndefined();
    v.rport = 4000;
    expect(formatVia(v)).toBe('SIP/2.0/UDP [::1]:5062;branch=z9hG4bK77;rport=4000;received=::1');
    for (const bad of ['SIP/2.0 host', 'SIP/3.0/UDP h', 'SIP/2.0/UDP', 'SIP/2.0/UDP h;rport=abc', 'SIP/2.0/UDP h;;']) {
      expect(() => parseVia(bad), bad).toThrowError(expect.objectContaining({ code: 'PBX_ERR_SIP_BAD_VALUE' }));
    }
  });

  it('parses CSeq and rejects overlarge numbers', () => {
    expect(parseCSeq(' 2147483647  INVITE ')).toEqual({ seq: 2147483647, method: 'INVITE' });
    expect(() => parseCSeq('2147483648 INVITE')).toThrowError(expect.objectContaining({ code: 'PBX_ERR_SIP_BAD_VALUE' }));
    expect(() => parseCSeq('INVITE')).toThrow();
  });
});

describe('makeResponse (RFC 3261 §8.2.6.2)', () => {
  it('copies Via/From/To/Call-ID/CSeq and adds a To tag except on 100', () => {
    const req = parseMessage(basicInvite());
    const trying = makeResponse(req, 100, undefined, { toTag: true });
    expect(trying.reason).toBe('Trying');
    expect(trying.get('to')).toBe('Bob <sip:bob@example.com>');
    const ok = makeResponse(req, 486, undefined, { toTag: 'xyz' });
    expect(ok.startLine()).toBe('SIP/2.0 486 Busy Here');
    expect(ok.get('to')).toBe('Bob <sip:bob@example.com>;tag=xyz');
    expect(ok.getAll('via')).toEqual(req.getAll('via'));
    expect(ok.get('cseq')).toBe('314159 INVITE');
    expect(ok.get('call-id')).toBe(req.callId);
    expect(tagOf(makeResponse(req, 200, 'OK', { toTag: true }).get('to'))).toMatch(/^[A-Za-z0-9]{10}$/);
  });
});
