import { describe, expect, it } from 'vitest';
import { parseVia } from '../../src/sip/via.js';

describe('parseVia canonical fast path agrees with the tolerant parse', () => {
  const same: Array<[string, string]> = [
    ['SIP/2.0/UDP 192.0.2.1:5070;branch=z9hG4bK1;rport', 'SIP / 2.0 / UDP 192.0.2.1 : 5070 ;branch=z9hG4bK1;rport'],
    ['SIP/2.0/tcp host.example.com;branch=z9hG4bK2', ' SIP/2.0/tcp   host.example.com ;branch=z9hG4bK2'],
    ['SIP/2.0/UDP [2001:db8::1]:5060;branch=z9hG4bK3;received=192.0.2.9', 'SIP/2.0/UDP  [2001:db8::1]:5060 ;branch=z9hG4bK3;received=192.0.2.9'],
    ['SIP/2.0/UDP 192.0.2.1', 'SIP/2.0/UDP\t192.0.2.1 '],
  ];
  it.each(same)('%s', (canonical, spaced) => {
    const a = parseVia(canonical);
    expect(a).toEqual(parseVia(spaced));
    expect(a.protocol).toBe(a.protocol.toUpperCase());
  });

  it('rejects malformed canonical-looking values', () => {
    for (const bad of ['SIP/2.0/ 192.0.2.1', 'SIP/2.0/UDP ', 'SIP/2.0/U(P 192.0.2.1', 'SIP/2.0/UDP 192.0.2.1:99999', 'SIP/3.0/UDP 192.0.2.1']) {
      expect(() => parseVia(bad), bad).toThrow(expect.objectContaining({ code: 'PBX_ERR_SIP_BAD_VALUE' }));
    }
  });
});
