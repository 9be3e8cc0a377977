import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SipServer } from '../../src/server.js';
import { SDP, UdpUa } from '../uas/udp-ua.js';
import { RawAdminClient } from './raw-admin-client.js';

/**
 * docs/drachtio-protocol.md, conformance 5 (frame types, §1.5): the server only ever sends frames of type `response`, `sip`,
 * `cdr:attempt`, `cdr:start` and `cdr:stop`. A raw application answers a whole call itself
 * (INVITE → 200, ACK, BYE → 200) with CDRs on, pings and routes, and every frame it received is
 * checked.
 */
describe('frame types the server sends', () => {
  let server: SipServer;
  let app: RawAdminClient;
  let ua: UdpUa;
  let port: number;

  beforeAll(async () => {
    server = new SipServer({
      admin: { address: '127.0.0.1', port: 0 },
      contacts: [{ protocol: 'udp', host: '127.0.0.1', port: 0 }],
      cdrs: true,
    });
    await server.start();
    port = server.sipContacts()[0]?.port ?? 0;
    app = await RawAdminClient.open(server.adminPort);
    expect((await app.authenticate()).tokens[3]).toBe('OK');
    for (const v of ['invite', 'cdr:attempt', 'cdr:start', 'cdr:stop']) expect((await app.reply(app.send(`route|${v}`))).tokens[3]).toBe('OK');
    ua = await UdpUa.open();
  });

  afterAll(async () => {
    app?.close();
    ua?.close();
    await server?.stop();
  });

  it('are response, sip and cdr:* only, through a whole call answered by raw frames', async () => {
    const lines = (m: string, cseq: number, toTag = '') =>
      [
        `${m} sip:frames@127.0.0.1:${port} SIP/2.0`,
        `Via: SIP/2.0/UDP 127.0.0.1:${ua.port};branch=z9hG4bK-frames-${cseq}-${m};rport`,
        `From: <sip:a@127.0.0.1:${ua.port}>;tag=f-frames`,
        `To: <sip:frames@127.0.0.1:${port}>${toTag}`,
        'Call-ID: frames-1',
        `CSeq: ${cseq} ${m}`,
        `Contact: <sip:a@127.0.0.1:${ua.port}>`,
      ].join('\n');
    ua.send(`${lines('INVITE', 1)}\nContent-Type: application/sdp`, port, SDP);
    const invite = await app.next((f) => f.tokens[1] === 'sip' && (f.sip ?? '').startsWith('INVITE '));
    const inviteTxn = invite.tokens[8] ?? '';
    expect(inviteTxn).not.toBe('');
    const answered = await app.reply(
      app.send(`sip|${inviteTxn}|`, `SIP/2.0 200 OK\r\nContent-Type: application/sdp\r\n\r\n${SDP}`),
    );
    expect(answered.tokens[3]).toBe('OK');
    const ok = await ua.response(200, 'INVITE');
    const tag = `;tag=${/tag=([^;\s]+)/.exec(ok.get('to') ?? '')?.[1]}`;
    ua.send(lines('ACK', 1, tag), port);
    await app.next((f) => f.tokens[1] === 'sip' && (f.sip ?? '').startsWith('ACK '));
    ua.send(lines('BYE', 2, tag), port);
    const bye = await app.next((f) => f.tokens[1] === 'sip' && (f.sip ?? '').startsWith('BYE '));
    expect((await app.reply(app.send(`sip|${bye.tokens[8] ?? ''}|`, 'SIP/2.0 200 OK\r\n\r\n'))).tokens[3]).toBe('OK');
    await ua.response(200, 'BYE');
    await app.next((f) => f.tokens[1] === 'cdr:stop');
    expect((await app.reply(app.send('ping'))).tokens.slice(3)).toEqual(['OK', 'pong']);

    const types = new Set(app.seen.map((f) => f.tokens[1]));
    // The call really produced each kind, and nothing else came.
    expect([...types].sort()).toEqual(['cdr:attempt', 'cdr:start', 'cdr:stop', 'response', 'sip']);
  });
});
