import { describe, expect, it } from 'vitest';
import { parseMessage } from '../../src/sip/parse-message.js';
import { SipRequest } from '../../src/sip/sip-request.js';
import { SipResponse } from '../../src/sip/sip-response.js';
import { splitHeaderValues } from '../../src/sip/split-header-values.js';
import { basicInvite, sipText } from './fixtures.js';

describe('SipMessage header model', () => {
  it('looks headers up case-insensitively and through compact forms', () => {
    const m = parseMessage(
      sipText([
        'OPTIONS sip:x@example.com SIP/2.0',
        'v: SIP/2.0/UDP 192.0.2.1;branch=z9hG4bK1',
        'f: <sip:a@example.com>;tag=1',
        't: <sip:x@example.com>',
        'i: abc@host',
        'CSEQ: 1 OPTIONS',
        'm: <sip:a@192.0.2.1>',
        'k: 100rel',
        'o: refer',
        'x: 1800;refresher=uac',
        'l: 0',
      ]),
    );
    expect(m.get('Via')).toBe('SIP/2.0/UDP 192.0.2.1;branch=z9hG4bK1');
    expect(m.get('FROM')).toBe('<sip:a@example.com>;tag=1');
    expect(m.get('call-id')).toBe('abc@host');
    expect(m.callId).toBe('abc@host');
    expect(m.get('cseq')).toBe('1 OPTIONS');
    expect(m.get('Contact')).toBe('<sip:a@192.0.2.1>');
    expect(m.get('Supported')).toBe('100rel');
    expect(m.get('Event')).toBe('refer');
    expect(m.get('Session-Expires')).toBe('1800;refresher=uac');
    expect(m.get('content-length')).toBe('0');
    expect(m.get('missing')).toBeUndefined();
    // Original names are kept as received.
    expect(m.headers.map((h) => h.name)).toEqual(['v', 'f', 't', 'i', 'CSEQ', 'm', 'k', 'o', 'x', 'l']);
  });

  it('splits list headers at top-level commas only (quotes and angle brackets protect commas)', () => {
    const m = parseMessage(
      sipText([
        'REGISTER sip:example.com SIP/2.0',
        'Via: SIP/2.0/UDP a.example.com;branch=z9hG4bK1, SIP/2.0/TCP b.example.com;branch=z9hG4bK2',
        'Via: SIP/2.0/UDP c.example.com;branch=z9hG4bK3',
        'From: <sip:a@example.com>;tag=1',
        'To: <sip:a@example.com>',
        'Call-ID: r1',
        'CSeq: 2 REGISTER',
        'Contact: "Doe, John" <sip:j@192.0.2.4;x=a,b>;q=0.5, <sip:j@192.0.2.5>',
        'WWW-Authenticate: Digest realm="a,b", nonce="n"',
        'Content-Length: 0',
      ]),
    );
    expect(m.getAll('via')).toEqual([
      'SIP/2.0/UDP a.example.com;branch=z9hG4bK1',
      'SIP/2.0/TCP b.example.com;branch=z9hG4bK2',
      'SIP/2.0/UDP c.example.com;branch=z9hG4bK3',
    ]);
    expect(m.get('via')).toBe('SIP/2.0/UDP a.example.com;branch=z9hG4bK1');
    expect(m.getAll('contact')).toEqual(['"Doe, John" <sip:j@192.0.2.4;x=a,b>;q=0.5', '<sip:j@192.0.2.5>']);
    // Authentication headers are not comma lists.
    expect(m.getAll('www-authenticate')).toEqual(['Digest realm="a,b", nonce="n"']);
    expect(splitHeaderValues('"a\\",b", c')).toEqual(['"a\\",b"', 'c']);
  });

  it('set keeps position and name spelling; append/prepend/remove/removeFirst/setFirst', () => {
    const m = parseMessage(basicInvite());
    m.set('max-forwards', '69');
    expect(m.headers[1]).toEqual({ name: 'Max-Forwards', value: '69' });
    m.prepend('Via', 'SIP/2.0/UDP proxy.example.com;branch=z9hG4bKp');
    expect(m.headers[0]!.value).toBe('SIP/2.0/UDP proxy.example.com;branch=z9hG4bKp');
    expect(m.getAll('via')).toHaveLength(2);
    expect(m.removeFirst('via')).toBe('SIP/2.0/UDP proxy.example.com;branch=z9hG4bKp');
    m.append('X-Custom', 'a').append('x-custom', 'b');
    expect(m.getAll('X-CUSTOM')).toEqual(['a', 'b']);
    expect(m.remove('x-custom')).toBe(2);
    expect(m.has('x-custom')).toBe(false);
    const r = new SipRequest('BYE', 'sip:a@b');
    r.append('Route', '<sip:p1;lr>, <sip:p2;lr>');
    expect(r.removeFirst('route')).toBe('<sip:p1;lr>');
    expect(r.getAll('route')).toEqual(['<sip:p2;lr>']);
    r.append('Via', 'SIP/2.0/UDP a;branch=z9hG4bK1, SIP/2.0/UDP b;branch=z9hG4bK2');
    r.setFirst('via', 'SIP/2.0/UDP a;branch=z9hG4bK1;received=1.2.3.4');
    expect(r.getAll('via')).toEqual(['SIP/2.0/UDP a;branch=z9hG4bK1;received=1.2.3.4', 'SIP/2.0/UDP b;branch=z9hG4bK2']);
  });

  it('toBuffer recomputes Content-Length in place and appends it when absent', () => {
    const m = parseMessage(basicInvite([], 'v=0\r\n'));
    m.body = Buffer.from('v=0\r\no=- 1 1 IN IP4 1.2.3.4\r\n');
    const text = m.toBuffer().toString();
    expect(text).toContain(`Content-Length: ${m.body.length}\r\n`);
    expect(text.endsWith('\r\n\r\nv=0\r\no=- 1 1 IN IP4 1.2.3.4\r\n')).toBe(true);
    const res = new SipResponse(200, 'OK');
    res.append('Call-ID', 'x');
    expect(res.toString()).toBe('SIP/2.0 200 OK\r\nCall-ID: x\r\nContent-Length: 0\r\n\r\n');
    // A compact Content-Length keeps its spelling.
    const c = parseMessage(sipText(['MESSAGE sip:a@b SIP/2.0', 'v: SIP/2.0/UDP h;branch=z9hG4bK1', 'f: <sip:a@b>;tag=1', 't: <sip:a@b>', 'i: 1', 'CSeq: 1 MESSAGE', 'l: {cl}'], 'hi'));
    c.body = Buffer.from('hello');
    expect(c.toString()).toContain('\r\nl: 5\r\n');
  });

  it('round-trips header order, name case and a UTF-8 body byte for byte', () => {
    const body = 'v=0\r\ns=Grüße 🎉 大停電\r\n';
    const input = sipText(
      [
        'INVITE sip:bob@example.com SIP/2.0',
        'via: SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bKabc',
        'X-weird-CASE: Value with   spaces',
        'To: <sip:bob@example.com>',
        'From: "Zoë" <sip:alice@example.com>;tag=1',
        'Call-ID: 1@x',
        'CSeq: 1 INVITE',
        'P-Asserted-Identity: <sip:+1@x>',
        'Content-Type: application/sdp',
        'Content-Length: {cl}',
      ],
      body,
    );
    const m = parseMessage(input);
    expect(m.raw!.equals(input)).toBe(true);
    expect(m.toBuffer().equals(input)).toBe(true);
    expect(m.body.toString('utf8')).toBe(body);
  });

  it('never lets a value inject header lines when serialising', () => {
    const r = new SipResponse(200, 'OK');
    r.append('X-Evil', 'a\r\nVia: SIP/2.0/UDP attacker;branch=z9hG4bKx\r\n\r\nbody');
    const text = r.toString();
    expect(text).toBe('SIP/2.0 200 OK\r\nX-Evil: a Via: SIP/2.0/UDP attacker;branch=z9hG4bKx body\r\nContent-Length: 0\r\n\r\n');
    expect(parseMessageHeaders(text)).toEqual(['X-Evil', 'Content-Length']);
  });
});

function parseMessageHeaders(text: string): string[] {
  return text
    .split('\r\n\r\n')[0]!
    .split('\r\n')
    .slice(1)
    .map((l) => l.slice(0, l.indexOf(':')));
}
