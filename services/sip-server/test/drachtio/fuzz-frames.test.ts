import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { SipServer } from '../../src/server.js';
import { startServer } from '../uas/harness.js';
import { RawAdminClient } from './raw-admin-client.js';

/** Deterministic PRNG (mulberry32) so a failure is reproducible. */
function rng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const PIECES = [
  'INVITE sip:x@127.0.0.1:23999 SIP/2.0',
  'SIP/2.0 200 OK',
  'SIP/2.0 99 Bad',
  'ACK sip:placeholder SIP/2.0',
  'CANCEL sip:x@127.0.0.1:23999 SIP/2.0',
  'BYE sip:placeholder SIP/2.0',
  'Via: SIP/2.0/UDP 127.0.0.1:23997',
  'CSeq: nope',
  'CSeq: 1 INVITE',
  'From: <sip:a@localhost>;tag=1',
  'To: tag=',
  'Contact: *',
  'Content-Type: application/sdp',
  'Content-Length: 99999',
  'x-😀: ü',
  '',
  ':::',
  'v=0',
];

/** docs/drachtio-protocol.md, conformance 56: malformed app frames get NO/NOK and never take the server down. */
describe('malformed app frames', () => {
  let server: SipServer;
  let app: RawAdminClient;

  beforeEach(async () => {
    server = (await startServer()).server;
    app = await RawAdminClient.open(server.adminPort);
    await app.authenticate();
  });

  afterEach(async () => {
    app.close();
    await server.stop();
  });

  it('answers 300 random sip/proxy frames with NOK (or a harmless OK) and keeps serving', async () => {
    const r = rng(4711);
    const pick = <T>(xs: readonly T[]) => xs[Math.floor(r() * xs.length)] as T;
    const ids: string[] = [];
    for (let i = 0; i < 300; i++) {
      const type = pick(['sip', 'proxy']);
      const tokens = Array.from({ length: Math.floor(r() * 12) }, () =>
        pick(['', 'x', 'remainInDialog', 'serial', '2s', 'sip:127.0.0.1:23998', 'abc;from-tag=1', '|', 'sip:127.0.0.1:23996;transport=tls']),
      );
      const sip = Array.from({ length: Math.floor(r() * 8) }, () => pick(PIECES)).join('\r\n');
      ids.push(app.send([type, ...tokens].join('|'), r() < 0.9 ? sip : undefined));
    }
    for (const id of ids) {
      const res = await app.reply(id, 10_000);
      expect(['OK', 'NOK']).toContain(res.tokens[3]);
    }
    expect((await app.reply(app.send('ping'))).tokens[4]).toBe('pong');
    const other = await RawAdminClient.open(server.adminPort);
    try {
      expect((await other.authenticate()).tokens[3]).toBe('OK');
    } finally {
      other.close();
    }
  });
});
