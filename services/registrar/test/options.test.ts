import { randomBytes } from 'node:crypto';
import { createSocket } from 'node:dgram';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DOMAIN, type Harness, startHarness } from './helpers/harness.js';

// NAT keepalive OPTIONS from registered phones are answered 200 (docs/contract.md §1.2).
let h: Harness;

beforeAll(async () => {
  h = await startHarness(27063);
  await h.startReplica({ flood: { enabled: false } });
});

afterAll(async () => {
  await h?.stop();
});

describe('OPTIONS', () => {
  it('is answered 200 with Allow', async () => {
    const sock = createSocket('udp4');
    await new Promise<void>((r) => sock.bind(0, '127.0.0.1', r));
    const port = sock.address().port;
    const reply = new Promise<string>((resolve) => sock.once('message', (b) => resolve(b.toString())));
    const msg = [
      `OPTIONS sip:${DOMAIN} SIP/2.0`,
      `Via: SIP/2.0/UDP 127.0.0.1:${port};branch=z9hG4bK${randomBytes(6).toString('hex')}`,
      'Max-Forwards: 70',
      `From: <sip:1001@${DOMAIN}>;tag=1`,
      `To: <sip:${DOMAIN}>`,
      `Call-ID: ${randomBytes(6).toString('hex')}`,
      'CSeq: 1 OPTIONS',
      'Content-Length: 0',
      '',
      '',
    ].join('\r\n');
    sock.send(msg, h.sipPort, '127.0.0.1');
    const text = await reply;
    sock.close();
    expect(text).toMatch(/^SIP\/2\.0 200 OK\r\n/);
    expect(text).toMatch(/\r\nAllow: [^\r]*REGISTER/);
  });
});
