import { describe, expect, it } from 'vitest';
import { tagOf } from '../../src/sip/name-addr.js';
import { parseMessage } from '../../src/sip/parse-message.js';
import { basicInvite } from './fixtures.js';

describe('parse caches', () => {
  it('topVia() is parsed once and dropped whenever a Via header changes', () => {
    const m = parseMessage(basicInvite());
    const first = m.topVia();
    expect(m.topVia()).toBe(first);
    m.setFirst('via', 'SIP/2.0/TCP 192.0.2.9:5070;branch=z9hG4bKnew');
    expect(m.topVia()).toMatchObject({ protocol: 'TCP', host: '192.0.2.9', port: 5070, branch: 'z9hG4bKnew' });
    m.prepend('Via', 'SIP/2.0/UDP 198.51.100.1;branch=z9hG4bKtop;rport');
    expect(m.topVia()).toMatchObject({ host: '198.51.100.1', branch: 'z9hG4bKtop', rport: null });
    m.removeFirst('v');
    expect(m.topVia().branch).toBe('z9hG4bKnew');
    m.set('Via', 'SIP/2.0/UDP 203.0.113.5;branch=z9hG4bKset');
    expect(m.topVia().host).toBe('203.0.113.5');
    m.remove('via');
    expect(() => m.topVia()).toThrow(expect.objectContaining({ code: 'PBX_ERR_SIP_BAD_VALUE' }));
    m.append('Via', 'SIP/2.0/UDP 192.0.2.77;branch=z9hG4bKapp');
    expect(m.topVia().host).toBe('192.0.2.77');
  });

  it('tagOf answers each value correctly however values repeat and alternate', () => {
    const values = Array.from({ length: 10 }, (_, i) => `"A" <sip:a@example.com>;tag=t${i}`);
    for (let round = 0; round < 3; round++) {
      for (const [i, v] of values.entries()) expect(tagOf(v)).toBe(`t${i}`);
      expect(tagOf('<sip:b@example.com>')).toBeUndefined();
      expect(tagOf('<sip:b@example.com;tag=uri-param>')).toBeUndefined();
      expect(tagOf('"unterminated <sip:x@y>;tag=1')).toBeUndefined();
      expect(tagOf(values[0])).toBe('t0');
    }
  });

  it('keeps each header name as written, beyond the name cache bound, and still rejects bad names', () => {
    for (let i = 0; i < 700; i++) {
      const m = parseMessage(basicInvite([`X-Ext-${i}: v${i}`, `x-EXT-${i}: w${i}`]));
      expect(m.headers.filter((h) => h.name.toLowerCase() === `x-ext-${i}`).map((h) => `${h.name}=${h.value}`)).toEqual([
        `X-Ext-${i}=v${i}`,
        `x-EXT-${i}=w${i}`,
      ]);
      expect(m.getAll(`X-EXT-${i}`)).toEqual([`v${i}`, `w${i}`]);
    }
    expect(() => parseMessage(basicInvite(['Bad Name: x']))).toThrow(expect.objectContaining({ status: 400 }));
    expect(() => parseMessage(basicInvite(['Via(: x']))).toThrow(expect.objectContaining({ status: 400 }));
    expect(parseMessage(basicInvite(['v: SIP/2.0/UDP 192.0.2.3;branch=z9hG4bKc'])).getAll('via')).toHaveLength(2);
  });
});
