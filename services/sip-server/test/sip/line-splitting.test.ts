import { describe, expect, it } from 'vitest';
import { parseMessage } from '../../src/sip/parse-message.js';

const lines = [
  'OPTIONS sip:x@example.com SIP/2.0',
  'Via: SIP/2.0/UDP 192.0.2.1;branch=z9hG4bK1',
  'From:\t<sip:a@example.com>;tag=1 \t',
  'To: <sip:x@example.com>',
  'Call-ID:   abc@host',
  'CSeq: 1 OPTIONS',
  'Subject: \u00a0caf\u00e9\u00a0',
  'X-Folded: one',
  ' \ttwo',
  'Content-Length: 0',
];

describe('header line splitting and value trimming', () => {
  it('gives the same headers for CRLF, bare-LF and mixed line ends', () => {
    const crlf = parseMessage(Buffer.from(`${lines.join('\r\n')}\r\n\r\n`));
    const lf = parseMessage(Buffer.from(`${lines.join('\n')}\n\n`));
    const mixed = parseMessage(Buffer.from(`${lines.map((l, i) => (i % 2 ? `${l}\r\n` : `${l}\n`)).join('')}\r\n`));
    for (const m of [crlf, lf, mixed]) {
      expect(m.headers).toEqual(crlf.headers);
      expect(m.get('from')).toBe('<sip:a@example.com>;tag=1');
      expect(m.get('call-id')).toBe('abc@host');
      // Non-ASCII whitespace at the ends is trimmed like String.prototype.trim.
      expect(m.get('subject')).toBe('caf\u00e9');
      expect(m.get('x-folded')).toBe('one two');
    }
    expect(crlf.headers.map((h) => h.name)).toEqual(['Via', 'From', 'To', 'Call-ID', 'CSeq', 'Subject', 'X-Folded', 'Content-Length']);
  });
});
