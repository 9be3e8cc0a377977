/** Messages the abuse suite mutates: the RFC 4475 torture set plus ordinary requests answered to their source (rport). */
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { loadFixture } from '../torture/load-fixture.js';

const TORTURE = fileURLToPath(new URL('../torture/fixtures/', import.meta.url));

function request(method: string, n: number, extra: string[] = [], body = ''): Buffer {
  return Buffer.from(
    [
      `${method} sip:service@127.0.0.1 SIP/2.0`,
      `Via: SIP/2.0/UDP 127.0.0.1:9;branch=z9hG4bKfuzz${n};rport`,
      'Max-Forwards: 70',
      `From: <sip:fuzz@edge.test>;tag=f${n}`,
      'To: <sip:service@edge.test>',
      `Call-ID: fuzz-${n}@edge.test`,
      `CSeq: ${n} ${method}`,
      'Contact: <sip:fuzz@127.0.0.1:9>',
      ...extra,
      `Content-Length: ${Buffer.byteLength(body)}`,
      '',
      body,
    ].join('\r\n'),
  );
}

const SDP = 'v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 4000 RTP/AVP 0\r\n';

/** The torture fixtures (by name) and a REGISTER, an OPTIONS and an INVITE with SDP. */
export function abuseTemplates(): { torture: Buffer[]; ordinary: Buffer[] } {
  const torture = readdirSync(TORTURE)
    .filter((f) => f.endsWith('.sip'))
    .sort()
    .map((f) => loadFixture(f.slice(0, -4)));
  const ordinary = [
    request('REGISTER', 1, ['Expires: 60']),
    request('OPTIONS', 2, ['Require: nothingSupportsThis']),
    request('INVITE', 3, ['Content-Type: application/sdp'], SDP),
  ];
  return { torture, ordinary };
}
