import { describe, expect, it } from 'vitest';
import { parseAppSipMessage } from '../../src/drachtio/app-sip-message.js';
import { wireHeaderName } from '../../src/drachtio/header-names.js';
import type { SipRequest } from '../../src/sip/sip-request.js';
import type { SipResponse } from '../../src/sip/sip-response.js';
import { parseMessage } from '../../src/sip/parse-message.js';
import type { BoundContact } from '../../src/transport/transport-types.js';
import { buildOutOfDialogRequest } from '../../src/uac/build-request.js';
import { appForcedToTag, buildResponse } from '../../src/uas/build-response.js';

const udp: BoundContact = { id: 'u', protocol: 'udp', host: '0.0.0.0', port: 5070, family: 4, advertisedHost: '10.0.0.5' };
const tcp: BoundContact = { ...udp, id: 't', protocol: 'tcp' };

const app = (text: string) => parseAppSipMessage(Buffer.from(text.replace(/\n/g, '\r\n')));

describe('header names on the wire (docs/drachtio-protocol.md §4.3)', () => {
  it.each([
    ['subject', 'Subject'],
    ['WWW-AUTHENTICATE', 'WWW-Authenticate'],
    ['i', 'Call-ID'],
    ['min-se', 'Min-SE'],
    ['rack', 'RAck'],
    ['x-custom-thing', 'x-custom-thing'],
    ['X-Foo', 'X-Foo'],
    ['diversion', 'Diversion'],
    ['p-charging-vector', 'P-Charging-Vector'],
  ])('%s → %s', (input, out) => {
    expect(wireHeaderName(input)).toBe(out);
  });

  it('rejects names that are not tokens', () => {
    expect(wireHeaderName('bad name')).toBeUndefined();
    expect(wireHeaderName('a:b')).toBeUndefined();
  });
});

describe('buildOutOfDialogRequest', () => {
  it('fills Via, Max-Forwards, From tag, To, Call-ID, CSeq, Contact and SDP Content-Type', () => {
    const r = buildOutOfDialogRequest(
      app(`INVITE sip:bob@example.com SIP/2.0\nFrom: <sip:+1555@localhost>\nsubject: hi\nVia: SIP/2.0/UDP 6.6.6.6\nRoute: <sip:evil>\nContent-Length: 3\n\nv=0\n`) as SipRequest,
      udp,
    );
    expect(r.get('via')).toMatch(/^SIP\/2\.0\/UDP 10\.0\.0\.5:5070;branch=z9hG4bK\w+;rport$/);
    expect(r.getAll('via')).toHaveLength(1);
    expect(r.has('route')).toBe(false);
    expect(r.get('max-forwards')).toBe('70');
    expect(r.get('from')).toMatch(/^<sip:\+1555@10\.0\.0\.5:5070>;tag=\w+$/);
    expect(r.get('to')).toBe('<sip:bob@example.com>');
    expect(r.get('call-id')).toMatch(/^\w+$/);
    expect(r.get('cseq')).toMatch(/^\d+ INVITE$/);
    expect(r.get('contact')).toBe('<sip:10.0.0.5:5070>');
    expect(r.get('subject')).toBe('hi');
    expect(r.headers.find((h) => h.name === 'Subject')).toBeDefined();
    expect(r.get('content-type')).toBe('application/sdp');
    expect(r.toString()).toContain('Content-Length: 5\r\n');
  });

  it('keeps the app Call-ID, From tag and CSeq (digest retries) and adds ;transport=tcp to the TCP Contact', () => {
    const r = buildOutOfDialogRequest(
      app('REGISTER sip:example.com SIP/2.0\nFrom: <sip:a@example.com>;tag=keep\nCall-ID: same-call\nCSeq: 41 REGISTER\nAuthorization: Digest x\n\n') as SipRequest,
      tcp,
    );
    expect(r.get('from')).toBe('<sip:a@example.com>;tag=keep');
    expect(r.get('call-id')).toBe('same-call');
    expect(r.get('cseq')).toBe('41 REGISTER');
    expect(r.get('authorization')).toBe('Digest x');
    expect(r.has('contact')).toBe(false);
    const inv = buildOutOfDialogRequest(app('INVITE sip:b@example.com SIP/2.0\n\n') as SipRequest, tcp);
    expect(inv.get('contact')).toBe('<sip:10.0.0.5:5070;transport=tcp>');
    expect(inv.get('from')).toMatch(/^<sip:10\.0\.0\.5:5070;transport=tcp>;tag=/);
  });

  it('refuses a non-SDP body without Content-Type', () => {
    expect(() => buildOutOfDialogRequest(app('MESSAGE sip:b@x SIP/2.0\n\nhello') as SipRequest, udp)).toThrow(
      'missing content-type',
    );
  });

  it('drops header lines with CR/LF injection', () => {
    const a = app('OPTIONS sip:b@x SIP/2.0\n\n') as SipRequest;
    a.append('X-Evil', 'a\r\nVia: SIP/2.0/UDP 1.2.3.4');
    const r = buildOutOfDialogRequest(a, udp);
    expect(r.has('x-evil')).toBe(false);
    expect(r.getAll('via')).toHaveLength(1);
  });
});

describe('buildResponse', () => {
  const req = parseMessage(
    Buffer.from(
      [
        'INVITE sip:x@10.0.0.5 SIP/2.0',
        'Via: SIP/2.0/UDP 1.1.1.1:5060;branch=z9hG4bK1;rport=5060',
        'Via: SIP/2.0/UDP 2.2.2.2;branch=z9hG4bK2',
        'From: <sip:a@1.1.1.1>;tag=f1',
        'To: <sip:x@10.0.0.5>',
        'Call-ID: c1',
        'CSeq: 5 INVITE',
        'Content-Length: 0',
        '',
        '',
      ].join('\r\n'),
    ),
  ) as SipRequest;

  it('copies Via/From/To/Call-ID/CSeq from the request, adds the To-tag, Contact and SDP type, ignores app Via/RSeq', () => {
    const a = app('SIP/2.0 200 OK\ncall-id: other\ncseq: 9 BYE\nVia: SIP/2.0/UDP 9.9.9.9\nRSeq: 4\nx-app: 1\n\nv=0\n') as SipResponse;
    const r = buildResponse(req, a, { toTag: 'tt', contact: '<sip:10.0.0.5:5070>', localHostport: '10.0.0.5:5070' });
    expect(r.getAll('via')).toEqual(['SIP/2.0/UDP 1.1.1.1:5060;branch=z9hG4bK1;rport=5060', 'SIP/2.0/UDP 2.2.2.2;branch=z9hG4bK2']);
    expect(r.get('to')).toBe('<sip:x@10.0.0.5>;tag=tt');
    expect(r.get('call-id')).toBe('c1');
    expect(r.get('cseq')).toBe('5 INVITE');
    expect(r.has('rseq')).toBe(false);
    expect(r.get('x-app')).toBe('1');
    expect(r.get('contact')).toBe('<sip:10.0.0.5:5070>');
    expect(r.get('content-type')).toBe('application/sdp');
  });

  it('honours a To-tag forced by the app', () => {
    expect(appForcedToTag(app('SIP/2.0 200 OK\nTo: tag=forced\n\n') as SipResponse)).toBe('forced');
    expect(appForcedToTag(app('SIP/2.0 200 OK\nTo: <sip:x@y>;tag=abc\n\n') as SipResponse)).toBe('abc');
    expect(appForcedToTag(app('SIP/2.0 200 OK\nTo: <sip:x@y>\n\n') as SipResponse)).toBeUndefined();
  });
});
