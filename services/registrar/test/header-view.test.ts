import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { headerView } from '../src/register/header-view.js';
import { parseRegister } from '../src/register/parse-register.js';

// drachtio-srf's own message class: the view must answer exactly as its `get` does.
type DrachtioMessage = { headers: Record<string, string>; uri: string; method: string; get(name: string): string | undefined };
const SipMessage = createRequire(import.meta.url)('drachtio-srf/lib/sip-parser/message') as new (raw: string) => DrachtioMessage;

const RAW = [
  'REGISTER sip:dragon.test SIP/2.0',
  'Via: SIP/2.0/UDP 192.0.2.7:5062;branch=z9hG4bK-1',
  'f: <sip:2000@dragon.test>;tag=1',
  't: <sip:2000@dragon.test>',
  'i: compact-call-id',
  'CSeq: 2 REGISTER',
  'm: <sip:2000@192.0.2.7:5062>;expires=60',
  'Contact: <sip:2000@192.0.2.8:5062>',
  'Expires: 300',
  'User-Agent: Phone/1.0',
  'Authorization: Digest username="2000", realm="dragon.test", nonce="n", uri="sip:dragon.test", response="r"',
  'X-Custom-Thing: kept case',
  'l: 0',
  '',
  '',
].join('\r\n');

const fromWire = (raw: string) => {
  const msg = new SipMessage(raw);
  return { msg, req: { method: msg.method, uri: msg.uri, source_address: '192.0.2.7', source_port: 5062, protocol: 'udp', headers: msg.headers } };
};

describe('headerView', () => {
  it('answers every lookup as drachtio-srf get does, compact forms and case included', () => {
    const { msg, req } = fromWire(RAW);
    const view = headerView(req);
    const names = ['To', 'to', 'TO', 'From', 'Call-ID', 'call-id', 'CSeq', 'Contact', 'Expires', 'User-Agent', 'Authorization', 'X-Custom-Thing', 'x-custom-thing', 'Content-Length', 'Route', 'Max-Forwards'];
    for (const name of names) expect(view.get(name), name).toBe(msg.get(name));
    // Spot checks, so that a broken drachtio-srf cannot make both sides agree on nothing.
    expect(view.get('Call-ID')).toBe('compact-call-id');
    expect(view.get('Contact')).toBe('<sip:2000@192.0.2.7:5062>;expires=60,<sip:2000@192.0.2.8:5062>');
    expect(view.get('x-custom-thing')).toBe('kept case');
    expect(view.get('Route')).toBeUndefined();
    expect(view).toMatchObject({ method: 'REGISTER', uri: 'sip:dragon.test', source_address: '192.0.2.7', source_port: 5062, protocol: 'udp' });
  });

  it('gives parseRegister the same REGISTER as the drachtio-srf request', () => {
    const { msg, req } = fromWire(RAW);
    const direct = parseRegister({ ...req, get: (n: string) => msg.get(n) });
    expect(parseRegister(headerView(req))).toEqual(direct);
    expect(direct).toMatchObject({ user: '2000', callId: 'compact-call-id', cseq: 2, expires: 300, userAgent: 'Phone/1.0' });
  });

  it('takes the first of two names that differ only in case, as drachtio-srf does', () => {
    const headers = { 'X-Dup': 'first', 'x-dup': 'second', to: '<sip:1@d>' };
    const view = headerView({ method: 'REGISTER', uri: 'sip:d', source_address: '192.0.2.1', source_port: 5060, protocol: 'udp', headers });
    expect(view.get('X-DUP')).toBe('first');
    expect(view.get('To')).toBe('<sip:1@d>');
  });
});
