import { describe, expect, it } from 'vitest';
import { parseContact } from '../../src/cli/contact-spec.js';

describe('parseContact', () => {
  it.each([
    ['sip:*', { protocols: ['udp', 'tcp'], host: '0.0.0.0', port: 5060 }],
    ['sip:*;transport=udp', { protocols: ['udp'], host: '0.0.0.0', port: 5060 }],
    ['sip:127.0.0.1:5090;transport=udp,tcp', { protocols: ['udp', 'tcp'], host: '127.0.0.1', port: 5090 }],
    ['sip:[::1]:24070;transport=TCP', { protocols: ['tcp'], host: '::1', port: 24070 }],
    ['127.0.0.1:24071', { protocols: ['udp', 'tcp'], host: '127.0.0.1', port: 24071 }],
    ['sip:sbc.example.com:5080;transport=udp', { protocols: ['udp'], host: 'sbc.example.com', port: 5080 }],
  ])('%s', (text, spec) => {
    expect(parseContact(text, 'x').spec).toEqual(spec);
  });

  it('attaches the external address', () => {
    expect(parseContact('sip:*:24072', 'x', '198.51.100.2').spec?.external).toBe('198.51.100.2');
  });

  it('warns about and drops tls / ws / sips', () => {
    const r = parseContact('sip:*:24073;transport=udp,ws', 'x');
    expect(r.spec?.protocols).toEqual(['udp']);
    expect(r.warnings).toHaveLength(1);
    expect(parseContact('sips:*;transport=tls', 'x').spec).toBeUndefined();
    expect(parseContact('sip:*:443;transport=wss', 'x').spec).toBeUndefined();
  });

  it.each(['sip:', 'sip:1.2.3.4:99999', 'sip:host:5060;transport=sctp', 'sip:a b', 'sip:*;transport='])(
    'rejects %s',
    (text) => {
      expect(() => parseContact(text, '--contact')).toThrow(expect.objectContaining({ code: 'PBX_ERR_SIP_CLI_INVALID' }));
    },
  );
});
