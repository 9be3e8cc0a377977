import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { SipServer } from '../../src/server.js';
import { RawAdminClient } from '../drachtio/raw-admin-client.js';
import { startServer } from './harness.js';
import { UdpUa } from './udp-ua.js';

/** Reference §4.2 REGISTER validation and §4.3 request-URI user validation. */
describe('request validation', () => {
  let server: SipServer;
  let port: number;
  let app: RawAdminClient;
  let ua: UdpUa;
  let n = 0;

  beforeEach(async () => {
    const s = await startServer();
    server = s.server;
    port = s.udpPort;
    app = await RawAdminClient.open(server.adminPort);
    await app.authenticate();
    await app.reply(app.send('route|register'));
    ua = await UdpUa.open();
  });

  afterEach(async () => {
    app.close();
    ua.close();
    await server.stop();
  });

  const register = (contact: string, expires?: string) => {
    const id = `reg-${++n}`;
    ua.send(
      [
        `REGISTER sip:127.0.0.1:${port} SIP/2.0`,
        `Via: SIP/2.0/UDP 127.0.0.1:${ua.port};branch=z9hG4bK-${id};rport`,
        `From: <sip:alice@example.com>;tag=${id}`,
        'To: <sip:alice@example.com>',
        `Call-ID: ${id}`,
        'CSeq: 1 REGISTER',
        `Contact: ${contact}`,
        ...(expires === undefined ? [] : [`Expires: ${expires}`]),
      ].join('\n'),
      port,
    );
  };

  it('answers 400 to a REGISTER whose Contact has no scheme or is * with a non-zero Expires', async () => {
    register('<alice@10.0.0.1:5060>');
    await ua.response(400, 'REGISTER');
    register('*', '3600');
    await ua.response(400, 'REGISTER');
    register('*', '0');
    const f = await app.next((x) => x.tokens[1] === 'sip');
    expect(f.sip).toContain('Contact: *');
  });

  it('refuses an app request whose request-URI has an invalid user part', async () => {
    const r = await app.reply(app.send('sip||', `OPTIONS sip:a"b@127.0.0.1:${ua.port} SIP/2.0\r\n\r\n`));
    expect(r.tokens.slice(3)).toEqual(['NOK', `invalid request-uri: OPTIONS sip:a"b@127.0.0.1:${ua.port} SIP/2.0`]);
    const ok = await app.reply(app.send('sip||', `OPTIONS sip:%2Bab;x=1@127.0.0.1:${ua.port} SIP/2.0\r\n\r\n`));
    expect(ok.tokens[3]).toBe('OK');
  });
});
